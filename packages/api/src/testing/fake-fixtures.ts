// Builders for FerryApi data with plausible defaults, so a test states only the fields it is about:
// `fakePeer({ trust: 'trusted' })`. Used by the in-memory FerryApi, the demo page and component tests.

import type {
  DeviceInfo, FerryErrorDto, HistoryEntry, IncomingOfferDto, Party, Peer, Settings, Share, Transfer
} from '../ferry-api.ts'

/** A fixed clock (2023-11-14T22:13:20Z) so fakes are deterministic; the demo passes Date.now instead. */
export const FAKE_NOW = 1_700_000_000_000

export function fakeDevice (patch: Partial<DeviceInfo> = {}): DeviceInfo {
  return {
    peerId: '12D3KooWSelfSelfSelfSelfSelfSelfSelfSelfSelfSelf00',
    shortCode: 'SELF-0000',
    alias: 'This computer',
    deviceType: 'desktop',
    addresses: [{ host: '192.168.1.10', port: 41234 }],
    link: 'ferry://192.168.1.10:41234/12D3KooWSelfSelfSelfSelfSelfSelfSelfSelfSelfSelf00',
    ...patch
  }
}

export function fakeSettings (patch: Partial<Settings> = {}): Settings {
  return {
    alias: 'This computer',
    downloadDir: '/home/user/Downloads/Ferry',
    autoAcceptTrusted: false,
    followLinks: false,
    port: 0,
    filesInFlight: 4,
    ...patch
  }
}

export function fakePeer (patch: Partial<Peer> = {}): Peer {
  return {
    id: '12D3KooWPeerPeerPeerPeerPeerPeerPeerPeerPeerPeer01',
    alias: 'Ada’s laptop',
    deviceType: 'laptop',
    shortCode: 'K7Q2-9MXD',
    addresses: [{ host: '192.168.1.20', port: 41234 }],
    trust: 'known',
    autoAccept: false,
    identityChanged: false,
    online: true,
    ...patch
  }
}

/** The Party a peer appears as in offers, transfers and history. */
export function partyOf (peer: Peer): Party {
  return { kind: 'device', id: peer.id, shortCode: peer.shortCode, ...(peer.alias === undefined ? {} : { name: peer.alias }) }
}

export function fakeOffer (patch: Partial<IncomingOfferDto> = {}): IncomingOfferDto {
  const files = patch.files ?? [
    { id: 0, path: 'holiday/beach.jpg', size: 2_400_000 },
    { id: 1, path: 'holiday/notes.txt', size: 1_200 }
  ]
  return {
    id: 'offer-1',
    from: partyOf(fakePeer()),
    trust: 'known',
    identityChanged: false,
    files,
    totalBytes: files.reduce((sum, file) => sum + file.size, 0),
    receivedAt: FAKE_NOW,
    ...patch
  }
}

export function fakeTransfer (patch: Partial<Transfer> = {}): Transfer {
  const files = patch.files ?? [
    { id: 0, path: 'report.pdf', size: 4_000_000, bytesDone: 0, status: 'pending' as const }
  ]
  return {
    id: 'transfer-1',
    direction: 'send',
    peer: partyOf(fakePeer()),
    files,
    fileCount: files.length,
    bytesDone: 0,
    totalBytes: files.reduce((sum, file) => sum + file.size, 0),
    rate: 0,
    etaSeconds: null,
    status: 'running',
    canRetry: false,
    startedAt: FAKE_NOW,
    ...patch
  }
}

export function fakeShare (patch: Partial<Share> = {}): Share {
  const files = patch.files ?? [{ id: 0, path: 'slides.pdf', size: 3_000_000 }]
  return {
    id: 'share-1',
    name: 'slides.pdf',
    urls: ['http://192.168.1.10:47000/s/Qx7fZ2mA9kLp3TnV8wRy1c', 'http://127.0.0.1:47000/s/Qx7fZ2mA9kLp3TnV8wRy1c'],
    expiresAt: FAKE_NOW + 3_600_000,
    allowUpload: false,
    files,
    totalBytes: files.reduce((sum, file) => sum + file.size, 0),
    status: 'active',
    createdAt: FAKE_NOW,
    downloads: [],
    ...patch
  }
}

export function fakeHistoryEntry (patch: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id: 'history-1',
    transferId: 'transfer-0',
    direction: 'received',
    peer: partyOf(fakePeer()),
    status: 'completed',
    files: [{ path: 'photo.jpg', size: 1_500_000, localPath: '/home/user/Downloads/Ferry/photo.jpg' }],
    totalBytes: 1_500_000,
    at: FAKE_NOW - 60_000,
    ...patch
  }
}

/** An error in wire form with the engine's default wording for a few common codes. */
export function fakeError (code: string, message = 'Something failed'): FerryErrorDto {
  return { name: 'FerryError', code, message }
}
