// A trusted device whose files are taken without asking, into the folder the user chose in Settings.

import { basename, join } from 'node:path'
import { expect, test } from '../fixtures/test.ts'
import { writeTripFolder } from '../fixtures/sample-trees.ts'
import { listTree, treeDifferences } from '../fixtures/trees.ts'

test('Bob trusts Alice and accepts from trusted devices without asking: her folder lands in the folder he chose, with no offer dialog', async ({ ferry, workDir }) => {
  const folder = await writeTripFolder(join(workDir, 'source'), 16)
  const chosen = join(workDir, 'Bob chose this folder')
  const [alice, bob] = await Promise.all([ferry.start({ alias: 'Alice' }), ferry.start({ alias: 'Bob' })])

  await bob.app.peers.addDevice(await alice.app.peers.thisDeviceLink())
  await bob.app.peers.trust('Alice')
  await bob.app.settings.change({ autoAcceptTrusted: true, downloadFolder: chosen })
  await alice.app.peers.addDevice(await bob.app.peers.thisDeviceLink())

  await bob.app.offers.startWatching()
  await alice.app.peers.sendFolder('Bob', folder)
  await alice.app.transfers.expectDone('To Bob', { timeout: 60_000 })
  await bob.app.transfers.expectDone('From Alice')
  await bob.app.history.expectEntry('Received from Alice', 'Done')

  expect(await bob.app.offers.appearedSinceWatching(), 'Bob was asked').toBe(false)
  expect(await treeDifferences(folder, join(chosen, basename(folder)))).toEqual([])
  expect(await listTree(bob.downloadDir), 'nothing in the old download folder').toEqual([])
})
