// Issue 18: a LocalSend device in the app. The LocalSend peer is the test peer written from the protocol's spec
// (packages/localsend/test/peer): it makes itself known as LocalSend apps do (POST /register to Ferry's LocalSend
// port), appears in Nearby marked LocalSend, receives a file dropped on its card, and sends one back that the
// user accepts in the offer dialog. Loopback only; Ferry's LocalSend server on a free port, never 53317.

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, test } from '../fixtures/test.ts'
import { call, peerInfo, prepareUpload, upload } from '../../packages/localsend/test/peer/peer-client.ts'
import { startPeerServer } from '../../packages/localsend/test/peer/peer-server.ts'

test.describe('a LocalSend device', () => {
  test('appears in Nearby by itself, receives a dropped file, and sends one back that the user accepts', async ({ ferry }) => {
    const me = await ferry.start({ alias: 'Me', localsendPort: 0 })
    test.skip(me.kind !== 'browser', 'the desktop app speaks LocalSend only on the fixed port 53317, and its host does not report it to the test')
    const localsend = me.localsend
    if (localsend === undefined) throw new Error('ferry ui did not report its LocalSend port')
    const peer = await startPeerServer({ protocol: 'https' })
    try {
      const ferryTarget = { host: '127.0.0.1', port: localsend.port, protocol: localsend.protocol }
      // As a LocalSend app does when it hears an announce (or scans the network): it registers with Ferry.
      const registered = await call(ferryTarget, 'POST', '/api/localsend/v2/register', { body: JSON.stringify(peerInfo('https', peer.port)) })
      expect(registered.status).toBe(200)

      await me.app.peers.expectDevice('Test Peer')
      await me.app.peers.expectLocalSend('Test Peer')

      await me.app.peers.dropFiles('Test Peer', [{ name: 'for the phone.txt', bytes: Buffer.from('dropped on a LocalSend device') }])
      await me.app.transfers.expectDone('To Test Peer')
      expect(peer.received.get('for the phone.txt')?.toString()).toBe('dropped on a LocalSend device')

      const back = Buffer.from('sent back from LocalSend')
      const prepared = prepareUpload(ferryTarget, [{ fileName: 'from the phone.txt', data: back }])
      await me.app.offers.expectFrom('Test Peer')
      await me.app.offers.accept()
      const answer = await prepared
      expect(answer.status).toBe(200)
      const { sessionId, files } = answer.json() as { sessionId: string, files: Record<string, string> }
      const id = answer.ids[0] as string
      expect((await upload(ferryTarget, sessionId, id, files[id] as string, back)).status).toBe(200)
      await me.app.transfers.expectDone('From Test Peer')
      expect(await readFile(join(me.downloadDir, 'from the phone.txt'), 'utf8')).toBe('sent back from LocalSend')
    } finally {
      await peer.close()
    }
  })
})
