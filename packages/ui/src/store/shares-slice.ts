// Shares slice: share links of this session with their download logs, as the engine last reported each one.

import type { CreateShareRequest, FerryApi, Share, ShareEvent } from '@ferry/api'
import type { SliceCreator } from './store-types.ts'

export interface SharesSlice {
  shares: Share[]
  createShare: (request: CreateShareRequest) => Promise<Share>
  revokeShare: (shareId: string) => Promise<void>
}

export function applyShareEvent (shares: Share[], event: ShareEvent): Share[] {
  if (event.type === 'removed') return shares.filter((s) => s.id !== event.shareId)
  const { share } = event
  return shares.some((s) => s.id === share.id) ? shares.map((s) => s.id === share.id ? share : s) : [share, ...shares]
}

export const createSharesSlice = (api: FerryApi): SliceCreator<SharesSlice> => (set) => ({
  shares: [],
  createShare: async (request) => {
    const share = await api.createShare(request)
    set((state) => ({ shares: applyShareEvent(state.shares, { type: 'upsert', share }) }))
    return share
  },
  revokeShare: async (shareId) => { await api.revokeShare(shareId) }
})
