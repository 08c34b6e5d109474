// Issue 15, the app as a newcomer meets it in a browser (`ferry ui`): files and a folder picked in the UI's own
// browser of the computer and sent, files dropped on a device card from the desktop (a real DataTransfer holding
// File objects), a decline and an unreachable device seen on the Nearby screen, Open and Show in folder on what
// arrived (the desktop's opener replaced by a recorder), and a share link whose link and QR code name the address
// another network namespace reaches, with an upload offer that opens on top of the share dialog and is accepted there.

import { readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { expect, test } from '../fixtures/test.ts'
import { freeUdpPort } from '../fixtures/ports.ts'
import { writeTripFolder } from '../fixtures/sample-trees.ts'
import { listTree, MiB, sameFile, writeRandomFile } from '../fixtures/trees.ts'
import { SharePage } from '../pages/share-page.ts'

test('Alice picks files and a folder and drops a file on Bob\'s card; his decline and an unreachable device show on her Nearby screen; Bob opens what arrived', async ({ ferry, workDir }) => {
  const photos = join(workDir, 'source', 'photos')
  const [cat, dog] = [join(photos, 'cat.jpg'), join(photos, 'dog.jpg')]
  await writeRandomFile(cat, { size: 3 * MiB, seed: 11 })
  await writeRandomFile(dog, { size: 1 * MiB, seed: 12 })
  const folder = await writeTripFolder(join(workDir, 'source'), 1)
  const [alice, bob] = await Promise.all([ferry.start({ alias: 'Alice' }), ferry.start({ alias: 'Bob' })])
  await alice.app.peers.addDevice(await bob.app.peers.thisDeviceLink())

  // Picked, not typed: two files of a folder, through the UI's own file browser.
  await alice.app.peers.sendFiles('Bob', [cat, dog])
  await bob.app.offers.expectFrom('Alice')
  await bob.app.offers.accept()
  await alice.app.peers.expectOutcome('Bob', 'Bob received 2 files, all verified.', { timeout: 60_000 })
  expect(await sameFile(cat, join(bob.downloadDir, 'cat.jpg'))).toBe(true)
  expect(await sameFile(dog, join(bob.downloadDir, 'dog.jpg'))).toBe(true)

  // A folder, which Bob declines: Alice learns it on the Nearby screen.
  await alice.app.peers.sendFolder('Bob', folder)
  await bob.app.offers.expectFrom('Alice')
  await bob.app.offers.decline()
  await alice.app.peers.expectOutcome('Bob', 'Bob declined 5 files.')
  expect(await listTree(bob.downloadDir)).not.toContain(basename(folder))

  // Dropped from the desktop onto Bob's card.
  const note = Buffer.from('Dropped from the desktop, not typed anywhere.\n')
  await alice.app.peers.dropFiles('Bob', [{ name: 'dropped note.txt', bytes: note }])
  await bob.app.offers.expectFrom('Alice')
  await bob.app.offers.expectFile('dropped note.txt')
  await bob.app.offers.accept()
  await bob.app.transfers.expectDone('From Alice', { timeout: 60_000 })
  expect(await readFile(join(bob.downloadDir, 'dropped note.txt'))).toEqual(note)

  // What arrived, and where: Open and Show in folder run Bob's opener (a recorder here).
  expect(await bob.app.transfers.outcome('From Alice')).toBe(`✓ 1 file received and verified (BLAKE3), saved in ${bob.downloadDir}`)
  await bob.app.transfers.openReceived('From Alice')
  await expect.poll(async () => await bob.opened(), { message: 'what Bob\'s Ferry opened' }).toEqual([join(bob.downloadDir, 'dropped note.txt')])
  await bob.app.transfers.showInFolder('From Alice')
  await expect.poll(async () => await bob.opened(), { message: 'what Bob\'s Ferry opened' }).toEqual([join(bob.downloadDir, 'dropped note.txt'), bob.downloadDir])

  // Tabs that do not shift when another one is chosen (it turns bold).
  const widths = await alice.app.sections.tabWidths()
  await alice.app.sections.open('Share links')
  expect(await alice.app.sections.tabWidths()).toEqual(widths)

  // A device that does not answer, in words, on the Nearby screen.
  expect(await alice.app.peers.addUnreachable(`127.0.0.1:${await freeUdpPort()}`)).toMatch(/^Ferry couldn’t reach that device\./)
})

test('Alice\'s share link and its QR code name the address another namespace reaches; a visitor there uploads while the share dialog is open, and Alice accepts on top of it', async ({ netns, ferry, workDir }) => {
  const folder = await writeTripFolder(join(workDir, 'source'), 1)
  const upload = join(workDir, 'visitor', 'from the phone.bin')
  await writeRandomFile(upload, { size: 2 * MiB, seed: 21 })
  const alice = await ferry.start({ alias: 'Alice', netns: netns.a })

  const share = await alice.app.shares.create({ paths: [folder], pin: false, allowUpload: true }, { keepOpen: true })
  expect(new URL(share.url).hostname).toBe(netns.a.address)
  expect(await alice.app.shares.qrText()).toBe(share.url)
  expect((await alice.app.shares.otherLinks()).at(-1)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/s\//)

  const visitor = new SharePage(await ferry.visitorIn(netns.b))
  await visitor.open(share.url)
  expect(await visitor.sharedBy()).toBe('Alice')
  expect(await visitor.files()).toContain('Trip 2024/notes.txt')
  await visitor.upload([upload], { as: 'Sam' })

  await alice.app.offers.expectFrom(`Sam (browser at ${netns.b.address})`)
  expect(await alice.app.shares.detailsShown(), 'the share dialog is still open under the offer').toBe(true)
  await alice.app.offers.accept()
  await visitor.expectUploadVerified(1)
  expect(await alice.app.shares.detailsShown()).toBe(true)
  expect(await sameFile(upload, join(alice.downloadDir, 'from the phone.bin'))).toBe(true)
})
