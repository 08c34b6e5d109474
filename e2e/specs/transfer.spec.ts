// Two Ferries on loopback, each a `ferry ui` with its page in Chromium (or the desktop app): a folder offered from
// Alice's page, answered in Bob's offer dialog, and what each side then shows and has on disk.

import { basename, join } from 'node:path'
import { expect, test } from '../fixtures/test.ts'
import { writeTripFolder } from '../fixtures/sample-trees.ts'
import { hiddenFiles, listTree, MiB, treeDifferences, visibleFiles, writeRandomFile } from '../fixtures/trees.ts'

/** A 200 MiB transfer on a loaded 2-core machine stays well inside this. */
const TRANSFER_TIMEOUT_MS = 120_000

test.describe('sending to a device added by its link', () => {
  test('Bob accepts a folder with unicode names and a 200 MiB file: both pages reach 100 % and Done, History lists it, and Bob has the same bytes', async ({ ferry, workDir }) => {
    const folder = await writeTripFolder(join(workDir, 'source'), 200)
    const [alice, bob] = await Promise.all([ferry.start({ alias: 'Alice' }), ferry.start({ alias: 'Bob' })])

    await alice.app.peers.addDevice(await bob.app.peers.thisDeviceLink())
    await alice.app.peers.sendFolder('Bob', folder)

    await bob.app.offers.expectFrom('Alice')
    await bob.app.offers.expectFile('Trip 2024/Ünïcode 名前/café ☕.txt')
    await bob.app.offers.expectFile('Trip 2024/video.bin')
    await bob.app.offers.accept()

    await alice.app.transfers.expectDone('To Bob', { timeout: TRANSFER_TIMEOUT_MS })
    await bob.app.transfers.expectDone('From Alice', { timeout: TRANSFER_TIMEOUT_MS })
    await alice.app.history.expectEntry('Sent to Bob', 'Done')
    await bob.app.history.expectEntry('Received from Alice', 'Done', { files: ['Trip 2024/video.bin'] })
    expect(await treeDifferences(folder, join(bob.downloadDir, basename(folder)))).toEqual([])
  })

  test('Bob declines: Alice sees Declined and nothing is written to Bob\'s download folder', async ({ ferry, workDir }) => {
    const folder = await writeTripFolder(join(workDir, 'source'), 4)
    const [alice, bob] = await Promise.all([ferry.start({ alias: 'Alice' }), ferry.start({ alias: 'Bob' })])

    await alice.app.peers.addDevice(await bob.app.peers.thisDeviceLink())
    await alice.app.peers.sendFolder('Bob', folder)
    await bob.app.offers.expectFrom('Alice')
    await bob.app.offers.decline()

    await alice.app.transfers.expectStatus('To Bob', 'Declined')
    await bob.app.history.expectEntry('Received from Alice', 'Declined')
    expect(await listTree(bob.downloadDir)).toEqual([])
  })

  test('Bob cancels a running 1 GiB transfer: both sides show Cancelled and Bob\'s folder keeps no file, not even a hidden partial', async ({ ferry, workDir }) => {
    const file = join(workDir, 'source', 'disk image.iso')
    await writeRandomFile(file, { size: 1024 * MiB, seed: 3 })
    const [alice, bob] = await Promise.all([ferry.start({ alias: 'Alice' }), ferry.start({ alias: 'Bob' })])

    await alice.app.peers.addDevice(await bob.app.peers.thisDeviceLink())
    await alice.app.peers.sendFiles('Bob', [file])
    await bob.app.offers.expectFrom('Alice')
    await bob.app.offers.accept()
    await bob.app.transfers.expectRunning('From Alice', { timeout: 30_000 })
    await bob.app.transfers.cancel('From Alice')

    await bob.app.transfers.expectStatus('From Alice', 'Cancelled')
    await alice.app.transfers.expectStatus('To Bob', 'Cancelled')
    expect(await visibleFiles(bob.downloadDir)).toEqual([])
    // The receiver drops its partial on a cancel (p2p-core receiver.ts): it goes, it does not wait for a resume.
    await expect.poll(async () => await hiddenFiles(bob.downloadDir), { message: 'partial files left in Bob\'s folder' }).toEqual([])
  })
})
