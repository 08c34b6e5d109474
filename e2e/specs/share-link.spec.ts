// A share link opened by someone with only a browser: the PIN, a single download, the whole folder as a zip, and a
// file sent back that Alice accepts in her offer dialog.

import { basename, join } from 'node:path'
import { expect, test } from '../fixtures/test.ts'
import { writeTripFolder } from '../fixtures/sample-trees.ts'
import { MiB, sameFile, treeDifferences, visibleFiles, writeRandomFile } from '../fixtures/trees.ts'
import { unzip } from '../fixtures/zip.ts'
import { SharePage } from '../pages/share-page.ts'

/** Another six digits than `pin`. */
const wrongPin = (pin: string): string => [...pin].map((d) => String((Number(d) + 1) % 10)).join('')

test('a visitor opens Alice\'s PIN-protected link, is refused a wrong PIN, downloads a file and the zip, and uploads a file Alice accepts', async ({ ferry, workDir, visitor }) => {
  const folder = await writeTripFolder(join(workDir, 'source'), 3)
  const saved = join(workDir, 'visitor')
  const upload = join(saved, 'holiday notes.bin')
  await writeRandomFile(upload, { size: 2 * MiB, seed: 6 })
  const alice = await ferry.start({ alias: 'Alice' })

  const share = await alice.app.shares.create({ paths: [folder], pin: true, allowUpload: true })
  expect(share.pin).toMatch(/^\d{6}$/)

  const page = new SharePage(visitor)
  await page.open(share.url)
  await page.enterPin(wrongPin(share.pin as string))
  expect(await page.pinError()).not.toBe('')
  await page.enterPin(share.pin as string)
  const files = await page.files()
  expect(files).toContain('Trip 2024/notes.txt')

  await page.download('Trip 2024/Ünïcode 名前/café ☕.txt', join(saved, 'café.txt'))
  expect(await sameFile(join(folder, 'Ünïcode 名前/café ☕.txt'), join(saved, 'café.txt'))).toBe(true)
  const zipName = await page.downloadAll(join(saved, 'share.zip'))
  expect(zipName).toMatch(/\.zip$/)
  await unzip(join(saved, 'share.zip'), join(saved, 'unzipped'))
  expect(await treeDifferences(folder, join(saved, 'unzipped', basename(folder)))).toEqual([])

  expect(await page.sharedBy()).toBe('Alice')
  await page.upload([upload], { as: 'Sam' })
  await alice.app.offers.expectFrom(/^Sam \(browser at [0-9.]+\) wants/)
  await alice.app.offers.expectFile('holiday notes.bin')
  await alice.app.offers.accept()
  await page.expectUploadVerified(1)
  expect(await visibleFiles(alice.downloadDir)).toEqual(['holiday notes.bin'])
  expect(await sameFile(upload, join(alice.downloadDir, 'holiday notes.bin'))).toBe(true)
})
