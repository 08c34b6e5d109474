// A FerryApi whose snapshot is as large as a test asks (a history of long texts: what revoked shares and long
// histories do to a real one), built afresh on every getState the way FerryService builds its own. Everything else
// is a no-op. For the bridge's memory tests: they are about what the bridge holds, not about the engine.

import type { FerryApi, FerrySnapshot, HistoryEntry } from '@ferry/api'

/** Characters per history entry's text. */
const ENTRY_CHARS = 64 * 1024

export function bigStateApi (snapshotBytes: number): FerryApi {
  const entries = Math.max(1, Math.ceil(snapshotBytes / ENTRY_CHARS))
  const history = (): HistoryEntry[] => Array.from({ length: entries }, (_, i) => ({
    id: `h${i}`, transferId: `t${i}`, direction: 'received', peer: { kind: 'browser', id: 'test-browser' }, status: 'completed',
    files: [], totalBytes: 0, at: i, text: String.fromCharCode(97 + (i % 26)).repeat(ENTRY_CHARS)
  }))
  const snapshot = (): FerrySnapshot => ({
    device: { peerId: 'test', shortCode: 'TEST-TEST', alias: 'test', deviceType: 'desktop', addresses: [] },
    peers: [], transfers: [], offers: [], shares: [], history: history(),
    settings: { alias: 'test', downloadDir: '/tmp', autoAcceptTrusted: false, port: 0, filesInFlight: 4, followLinks: false }
  })
  const nothing = async (): Promise<never> => { throw new Error('not part of this fake') }
  const noEvents = (): (() => void) => () => {}
  return {
    getState: async () => snapshot(),
    sendFiles: nothing, sendText: nothing, addPeerByAddress: nothing, respondToOffer: nothing, cancelTransfer: nothing,
    retryTransfer: nothing, setTrust: nothing, createShare: nothing, revokeShare: nothing, updateSettings: nothing,
    openFile: nothing, showInFolder: nothing, pickFiles: nothing, pickFolder: nothing, listFolder: nothing, dismissTransfers: nothing,
    clearHistory: nothing, removePeer: nothing,
    onPeers: noEvents, onTransfer: noEvents, onOffer: noEvents, onShare: noEvents, onHistory: noEvents, onHistoryRemoved: noEvents,
    onSettings: noEvents, onDevice: noEvents, onError: noEvents
  }
}
