// Peers slice: the devices nearby or remembered, exactly as the engine last listed them, and the actions that
// add one by address or change the trust in one.

import type { FerryApi, Peer, Trust } from '@ferry/api'
import type { SliceCreator } from './store-types.ts'

export interface PeersSlice {
  peers: Peer[]
  addPeerByAddress: (text: string, options?: { signal?: AbortSignal }) => Promise<Peer>
  setTrust: (peerId: string, trust: Trust, autoAccept?: boolean) => Promise<void>
  /** Forgets a device (the engine's peers event then drops it from the list). */
  removePeer: (peerId: string) => Promise<void>
}

/** The peer in `peers` replaced (or added), for answers that arrive before the engine's own peers event. */
export function upsertPeer (peers: Peer[], peer: Peer): Peer[] {
  return peers.some((p) => p.id === peer.id) ? peers.map((p) => p.id === peer.id ? peer : p) : [...peers, peer]
}

export const createPeersSlice = (api: FerryApi): SliceCreator<PeersSlice> => (set) => ({
  peers: [],
  addPeerByAddress: async (text, options) => {
    const peer = await api.addPeerByAddress(text, options)
    set((state) => ({ peers: upsertPeer(state.peers, peer) }))
    return peer
  },
  setTrust: async (peerId, trust, autoAccept) => {
    const peer = await api.setTrust(peerId, trust, autoAccept)
    set((state) => ({ peers: upsertPeer(state.peers, peer) }))
  },
  removePeer: async (peerId) => {
    await api.removePeer(peerId)
    set((state) => ({ peers: state.peers.filter((p) => p.id !== peerId) }))
  }
})
