// Transfers slice: every transfer of this session, newest first, folded from the engine's upserts and progress
// events. Finished transfers beyond MAX_FINISHED_TRANSFERS are dropped here (history keeps them).

import { MAX_FINISHED_TRANSFERS, type FerryApi, type Transfer, type TransferEvent } from '@ferry/api'
import type { SliceCreator } from './store-types.ts'

export interface TransfersSlice {
  transfers: Transfer[]
  /** The last transfer this page sent to each device (peer id to transfer id): its card on Nearby tells what became of it. */
  lastSentTo: Readonly<Record<string, string>>
  sendFiles: (peerId: string, paths: string[]) => Promise<string>
  sendText: (peerId: string, text: string) => Promise<string>
  cancelTransfer: (transferId: string) => Promise<void>
  retryTransfer: (transferId: string) => Promise<void>
  /** Takes ended transfers off the list (all ended ones without ids). */
  dismissTransfers: (transferIds?: string[]) => Promise<void>
}

export const isActive = (t: Transfer): boolean => t.status === 'waiting' || t.status === 'running'

/** The list without the finished transfers past MAX_FINISHED_TRANSFERS (the host keeps the same number). */
export function bounded (transfers: Transfer[]): Transfer[] {
  let finished = 0
  return transfers.filter((t) => isActive(t) || ++finished <= MAX_FINISHED_TRANSFERS)
}

/** The list after one engine event; unknown ids in progress events are ignored (their upsert comes first), running transfers are never removed. */
export function applyTransferEvent (transfers: Transfer[], event: TransferEvent): Transfer[] {
  if (event.type === 'upsert') {
    const { transfer } = event
    const known = transfers.some((t) => t.id === transfer.id)
    return bounded(known ? transfers.map((t) => t.id === transfer.id ? transfer : t) : [transfer, ...transfers])
  }
  if (event.type === 'removed') {
    const gone = new Set(event.transferIds)
    return transfers.filter((t) => !gone.has(t.id) || isActive(t))
  }
  const { progress } = event
  const changed = new Map(progress.files?.map((f) => [f.id, f]))
  return transfers.map((t) => {
    if (t.id !== progress.id || !isActive(t)) return t
    const files = changed.size === 0 ? t.files : t.files.map((f) => {
      const c = changed.get(f.id)
      return c === undefined ? f : { ...f, bytesDone: c.bytesDone, status: c.status }
    })
    return { ...t, status: 'running', bytesDone: progress.bytesDone, totalBytes: progress.totalBytes, rate: progress.rate, etaSeconds: progress.etaSeconds, files }
  })
}

export const createTransfersSlice = (api: FerryApi): SliceCreator<TransfersSlice> => (set) => {
  const sent = (peerId: string, transferId: string): string => {
    set((state) => ({ lastSentTo: { ...state.lastSentTo, [peerId]: transferId } }))
    return transferId
  }
  return {
    transfers: [],
    lastSentTo: {},
    sendFiles: async (peerId, paths) => sent(peerId, (await api.sendFiles(peerId, paths)).transferId),
    sendText: async (peerId, text) => sent(peerId, (await api.sendText(peerId, text)).transferId),
    cancelTransfer: async (transferId) => { await api.cancelTransfer(transferId) },
    retryTransfer: async (transferId) => { await api.retryTransfer(transferId) },
    dismissTransfers: async (transferIds) => { await api.dismissTransfers(transferIds) }
  }
}
