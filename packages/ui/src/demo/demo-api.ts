// The demo page's engine: the in-memory FerryApi seeded with a few devices, transfers, a share and some history,
// and a timer that moves running transfers along, so the UI can be seen and tried without Ferry running. The one
// place outside tests allowed to use @ferry/api/testing (eslint.config.js): discover-host.ts loads it only when no
// host answers (vite dev, a static copy of the page), never in Electron or under `ferry ui`.

import { FakeFerryApi, fakeDevice, fakeHistoryEntry, fakePeer, fakeShare, fakeTransfer, partyOf } from '@ferry/api/testing'

/** How often the demo moves its transfers, and how many bytes a second they pretend to move. */
const TICK_MS = 500
const DEMO_RATE = 11_500_000

export interface DemoFerryApi {
  api: FakeFerryApi
  simulateOffer: () => void
  stop: () => void
}

export function createDemoFerryApi (now: () => number = Date.now): DemoFerryApi {
  const t0 = now()
  const laptop = fakePeer({ id: '12D3KooWDemoLaptopDemoLaptopDemoLaptopDemoLap01', alias: 'Ada’s laptop', deviceType: 'laptop', shortCode: 'K7Q2-9MXD', trust: 'trusted', lastSeen: t0 })
  const phone = fakePeer({ id: '12D3KooWDemoPhoneDemoPhoneDemoPhoneDemoPhone0002', alias: 'Grace’s phone', deviceType: 'phone', shortCode: 'M4TR-2C8P', trust: 'unknown', addresses: [{ host: '192.168.1.31', port: 52011 }], lastSeen: t0 })
  const server = fakePeer({ id: '12D3KooWDemoServerDemoServerDemoServerDemoSe03', alias: 'nas', deviceType: 'server', shortCode: 'Z9XE-41VN', trust: 'known', identityChanged: true, online: false, addresses: [{ host: '192.168.1.5', port: 41234 }] })
  const api = new FakeFerryApi({
    now,
    device: fakeDevice({ alias: 'Studio desktop' }),
    peers: [laptop, phone, server],
    transfers: [
      fakeTransfer({
        id: 'demo-running', peer: partyOf(laptop), status: 'running', startedAt: t0, bytesDone: 0, rate: DEMO_RATE, etaSeconds: null,
        files: [
          { id: 0, path: 'album/IMG_0001.jpg', size: 48_000_000, bytesDone: 0, status: 'running' },
          { id: 1, path: 'album/IMG_0002.jpg', size: 52_000_000, bytesDone: 0, status: 'pending' },
          { id: 2, path: 'album/notes.txt', size: 2_000, bytesDone: 0, status: 'pending' }
        ],
        fileCount: 3, totalBytes: 100_002_000
      }),
      fakeTransfer({
        id: 'demo-failed', direction: 'send', peer: partyOf(server), status: 'failed', canRetry: true, startedAt: t0 - 600_000, endedAt: t0 - 540_000,
        files: [{ id: 0, path: 'backup.tar', size: 900_000_000, bytesDone: 310_000_000, status: 'failed' }], fileCount: 1, totalBytes: 900_000_000, bytesDone: 310_000_000,
        error: { name: 'ConnectionLostError', code: 'FERRY_ERR_CONNECTION_LOST', message: 'The connection to the peer was lost' }
      })
    ],
    shares: [fakeShare({ createdAt: t0 - 300_000, expiresAt: t0 + 3_300_000, pin: '482913', downloads: [{ at: t0 - 120_000, fileId: 0, path: 'slides.pdf', bytes: 3_000_000, complete: true, remoteAddress: '192.168.1.44' }] })],
    history: [
      fakeHistoryEntry({ id: 'demo-h1', peer: partyOf(laptop), at: t0 - 3_600_000 }),
      fakeHistoryEntry({ id: 'demo-h2', direction: 'sent', peer: partyOf(phone), at: t0 - 7_200_000, files: [{ path: 'boarding-pass.pdf', size: 180_000, localPath: '/home/user/Documents/boarding-pass.pdf' }], totalBytes: 180_000 })
    ]
  })

  // Every waiting or running transfer (the seeded one, and whatever the user sends) moves along.
  const timer = setInterval(() => {
    for (const t of api.transfers()) {
      if (t.status !== 'running' && t.status !== 'waiting') continue
      const bytesDone = Math.min(t.totalBytes, t.bytesDone + DEMO_RATE * TICK_MS / 1000)
      if (bytesDone >= t.totalBytes) {
        api.completeTransfer(t.id)
        continue
      }
      let start = 0
      const files = t.files.map((f) => {
        if (f.status === 'skipped') return { id: f.id, bytesDone: 0, status: f.status }
        const done = Math.max(0, Math.min(f.size, bytesDone - start))
        start += f.size
        return { id: f.id, bytesDone: done, status: done >= f.size ? 'done' as const : done > 0 ? 'running' as const : 'pending' as const }
      })
      api.progress(t.id, bytesDone, { rate: DEMO_RATE, etaSeconds: Math.ceil((t.totalBytes - bytesDone) / DEMO_RATE), files })
    }
  }, TICK_MS)

  return {
    api,
    simulateOffer: () => {
      api.emitOffer({
        from: partyOf(phone), trust: phone.trust, text: 'Here are the photos from Saturday!',
        files: [
          { id: 0, path: 'saturday/IMG_2041.heic', size: 3_100_000 },
          { id: 1, path: 'saturday/IMG_2042.heic', size: 2_900_000 },
          { id: 2, path: 'saturday/clip.mov', size: 48_000_000 }
        ],
        totalBytes: 54_000_000
      })
    },
    stop: () => { clearInterval(timer) }
  }
}
