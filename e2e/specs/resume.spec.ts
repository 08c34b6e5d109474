// A receiver that crashes mid-transfer and comes back: the sender's Ferry reconnects by itself and offers the file
// again, and only what the receiver's partial file lacks crosses again.

import { join } from 'node:path'
import { expect, test } from '../fixtures/test.ts'
import { freeUdpPort } from '../fixtures/ports.ts'
import { hiddenFiles, MiB, sameFile, visibleFiles, writeRandomFile } from '../fixtures/trees.ts'

const SIZE = 512 * MiB
const TRANSFER_TIMEOUT_MS = 120_000
/** The sender notices a dead peer at QUIC's idle timeout (6 s), then starts reconnecting. */
const NOTICE_TIMEOUT_MS = 30_000

test('Bob\'s Ferry is killed at a third of a 512 MiB file; Alice\'s reconnects by itself once Bob\'s restarts, Bob accepts, and fewer bytes than the file cross again', async ({ ferry, workDir }) => {
  test.setTimeout(300_000)
  const file = join(workDir, 'source', 'backup.tar')
  await writeRandomFile(file, { size: SIZE, seed: 4 })
  const [alice, bob] = await Promise.all([ferry.start({ alias: 'Alice' }), ferry.start({ alias: 'Bob' })])

  // A fixed port, so Alice still reaches Bob after his restart; the engine takes it when it (re)starts.
  await bob.app.settings.change({ port: await freeUdpPort() })
  await bob.restart()
  await alice.app.peers.addDevice(await bob.app.peers.thisDeviceLink())

  await alice.app.peers.sendFiles('Bob', [file])
  await bob.app.offers.expectFrom('Alice')
  await bob.app.offers.accept()
  const partialBytes = async (): Promise<number> => Math.max(0, ...(await hiddenFiles(bob.downloadDir)).map((f) => f.size))
  await expect.poll(partialBytes, { intervals: [50], timeout: 60_000, message: 'Bob\'s partial file grows past 30 %' }).toBeGreaterThan(0.3 * SIZE)
  await bob.crash()
  const kept = await partialBytes()
  expect(kept, 'the crash came before the end').toBeLessThan(SIZE)

  // Alice's Ferry notices and keeps trying, with backoff; meanwhile Bob's comes back on its port. A restarted Ferry
  // remembers no offer, so Bob is asked again; the file goes on from his partial.
  await alice.app.transfers.expectReconnecting('To Bob', { timeout: NOTICE_TIMEOUT_MS })
  await bob.restart()
  await bob.app.offers.expectFrom('Alice')
  await bob.app.offers.accept()

  await alice.app.transfers.expectDone('To Bob', { timeout: TRANSFER_TIMEOUT_MS })
  await bob.app.transfers.expectDone('From Alice', { timeout: TRANSFER_TIMEOUT_MS })
  const resumed = await alice.app.transfers.bytesResumed('To Bob')
  test.info().annotations.push({ type: 'resume', description: `partial kept at the crash: ${kept} bytes; resumed: ${resumed} of ${SIZE}` })
  expect(resumed, 'bytes Bob already had').toBeGreaterThan(0)
  expect(resumed).toBeLessThan(SIZE)
  expect(await visibleFiles(bob.downloadDir)).toEqual(['backup.tar'])
  expect(await sameFile(file, join(bob.downloadDir, 'backup.tar'))).toBe(true)
})
