// A share that takes uploads, on a fixture server (share-fixture.ts), with hand-driven upload sockets that are all
// terminated on close: the common start of the upload tests.

import { join } from 'node:path'
import type { ShareInfo, ShareOffer } from '../../src/index.ts'
import { openRaw, type RawSocket } from './raw-socket.ts'
import { startFixture, type Fixture } from './share-fixture.ts'

export interface UploadShare {
  fx: Fixture
  share: ShareInfo
  /** The share's first link. */
  url: string
  /** A folder under the fixture's folder to accept uploads into (not made yet). */
  inbox: string
  /** Opens an upload socket to the share; it is terminated on close(). */
  raw: (headers?: Record<string, string>) => Promise<RawSocket>
  /** The next offer the server emits. */
  nextOffer: () => Promise<ShareOffer>
  close: () => Promise<void>
}

export async function startUploadShare (options: Parameters<typeof startFixture>[0] = {}): Promise<UploadShare> {
  const fx = await startFixture(options)
  await fx.file('shared.txt', 'shared')
  const share = await fx.server.addShare({ paths: [`${fx.dir}/shared.txt`], allowUpload: true })
  const url = share.urls[0] as string
  const sockets: RawSocket[] = []
  return {
    fx,
    share,
    url,
    inbox: join(fx.dir, 'inbox'),
    raw: async (headers) => {
      const socket = await openRaw(url, { headers })
      sockets.push(socket)
      return socket
    },
    nextOffer: async () => await new Promise((resolve) => { fx.server.once('offer', resolve) }),
    close: async () => {
      for (const s of sockets.splice(0)) s.ws.terminate()
      await fx.close()
    }
  }
}
