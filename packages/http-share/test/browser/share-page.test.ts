// Issue 4 in a real browser: Debian's Chromium opens a share link, downloads a 100 MiB file and the zip of the share
// byte for byte, shows and checks BLAKE3 in the page, opens a PIN share, and sends two files that arrive verified in
// the receiving folder. Skipped, with the reason, only where /usr/bin/chromium is missing.

import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest'
import type { ReceiveResult } from '@ferry/p2p-core'
import type { ShareInfo } from '../../src/index.ts'
import { blake3Of, startFixture, type Fixture } from '../helpers/share-fixture.ts'
import { readZip } from '../helpers/zip-reader.ts'
import { SharePage } from './share-page.ts'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = fileURLToPath(new URL('../../../../e2e/artifacts/', import.meta.url))
const BIG = 100 * 1024 * 1024

async function sha256File (path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

describe.skipIf(!existsSync(CHROMIUM))(`the recipient page in Chromium (${CHROMIUM})`, () => {
  let browser: Browser
  let fx: Fixture
  let share: ShareInfo
  let bigPath: string
  let context: BrowserContext
  let page: Page
  let sharePage: SharePage
  /** Page errors and console errors (a CSP violation shows up here). */
  let pageErrors: string[]

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
    })
    fx = await startFixture()
    bigPath = await fx.file('share/big.bin', randomBytes(BIG))
    await fx.file('share/notes/today.txt', 'plain text, deflated in the zip\n'.repeat(100))
    await fx.file('share/notes/日本語.txt', 'こんにちは')
    share = await fx.server.addShare({ paths: [join(fx.dir, 'share')], allowUpload: true, name: 'Browser test' })
    await mkdir(ARTIFACTS, { recursive: true })
  })
  afterAll(async () => {
    await browser?.close()
    await fx?.close()
  })
  beforeEach(async (ctx) => {
    context = await browser.newContext({ acceptDownloads: true })
    page = await context.newPage()
    sharePage = new SharePage(page)
    pageErrors = []
    page.on('pageerror', (err) => pageErrors.push(err.message))
    page.on('console', (msg) => { if (msg.type() === 'error') pageErrors.push(msg.text()) })
    onTestFailed(async () => {
      const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80)
      await page.screenshot({ path: join(ARTIFACTS, `http-share-${name}.png`), fullPage: true }).catch(() => {})
    })
  })
  afterEach(async () => {
    await context.close()
  })

  it('lists the shared files and runs with no CSP violation or script error', async () => {
    await sharePage.open(share.urls[0] as string)
    expect(await sharePage.fileNames()).toEqual(['share/big.bin', 'share/notes/today.txt', 'share/notes/日本語.txt'])
    expect(await sharePage.uploadAvailable()).toBe(true)
    expect(pageErrors).toEqual([])
  })

  it('downloads a 100 MiB file and the zip of the share, byte for byte', async () => {
    await sharePage.open(share.urls[0] as string)
    await sharePage.waitForFiles()
    const saved = join(fx.dir, 'downloads', 'big.bin')
    const download = await sharePage.download('share/big.bin', saved)
    expect(download.suggestedFilename()).toBe('big.bin')
    expect(await sha256File(saved)).toBe(await sha256File(bigPath))

    const zipPath = join(fx.dir, 'downloads', 'all.zip')
    const zip = await sharePage.downloadAll(zipPath)
    expect(zip.suggestedFilename()).toBe('Browser test.zip')
    const entries = readZip(await readFile(zipPath))
    // A zip's entry order carries no meaning; compare the set of names, and each entry by name.
    expect(entries.map((e) => e.name).sort()).toEqual(['share/big.bin', 'share/notes/today.txt', 'share/notes/日本語.txt'])
    const byName = new Map(entries.map((e) => [e.name, e.data]))
    expect(createHash('sha256').update(byName.get('share/big.bin') as Buffer).digest('hex')).toBe(await sha256File(bigPath))
    expect(byName.get('share/notes/日本語.txt')?.toString()).toBe('こんにちは')
    expect(pageErrors).toEqual([])
  })

  it('checks a downloaded copy against the shared file\'s BLAKE3 in the page, without sending it anywhere', async () => {
    const text = join(fx.dir, 'share/notes/today.txt')
    const expected = await blake3Of(await readFile(text))
    await sharePage.open(share.urls[0] as string)
    await sharePage.waitForFiles()

    const requests: string[] = []
    page.on('request', (req) => requests.push(`${req.method()} ${new URL(req.url()).pathname}`))
    const good = await sharePage.checkCopy(text)
    expect(good.verdict).toBe('match')
    expect(good.text).toContain(`share/notes/today.txt (BLAKE3 ${expected})`)
    const tampered = join(fx.dir, 'tampered', 'today.txt')
    await mkdir(join(fx.dir, 'tampered'), { recursive: true })
    await writeFile(tampered, (await readFile(text)).fill(0x20, 0, 10))
    expect((await sharePage.checkCopy(tampered)).verdict).toBe('mismatch')
    // The check hashed the copy locally with hash-wasm: nothing was posted, no socket was opened.
    expect(requests.filter((r) => !r.startsWith('GET '))).toEqual([])
    expect(requests.some((r) => r.endsWith('/upload'))).toBe(false)
    expect(pageErrors).toEqual([])
  })

  it('asks for the PIN, refuses a wrong one, and opens with the right one', async () => {
    const withPin = await fx.server.addShare({ paths: [join(fx.dir, 'share/notes')], pin: '135790' })
    await sharePage.open(withPin.urls[0] as string)
    expect(await sharePage.pinFormVisible()).toBe(true)
    await sharePage.enterPin('000000')
    expect(await sharePage.pinError()).toMatch(/Wrong PIN/)
    await sharePage.enterPin('135790')
    expect(await sharePage.fileNames()).toEqual(['notes/today.txt', 'notes/日本語.txt'])
    expect(await sharePage.uploadAvailable()).toBe(false)
  })

  it('sends two files through the page that arrive, verified, in the receiving folder', async () => {
    const outbox = join(fx.dir, 'outbox')
    const inbox = join(fx.dir, 'inbox')
    await mkdir(outbox, { recursive: true })
    const photo = join(outbox, 'photo from phone.jpg')
    const notes = join(outbox, 'notes: été.txt')
    await writeFile(photo, randomBytes(8 * 1024 * 1024 + 123))
    await writeFile(notes, 'written on the phone')
    const received = new Promise<ReceiveResult>((resolve, reject) => {
      fx.server.once('offer', (offer) => {
        expect(offer.from.alias).toBe('Test phone')
        // The page turns characters some desktops cannot store into "_" before it offers the names.
        expect(offer.files.map((f) => f.path)).toEqual(['photo from phone.jpg', 'notes_ été.txt'])
        offer.respond({ accept: true, dir: inbox }).then(resolve, reject)
      })
    })
    received.catch(() => {}) // awaited below; a failure before then is reported there, not as unhandled

    await sharePage.open(share.urls[0] as string)
    await sharePage.waitForFiles()
    await sharePage.send([photo, notes], 'Test phone')
    const rows = await sharePage.uploadResults()
    expect(rows.map((r) => [r.name, r.state])).toEqual([['photo from phone.jpg', 'verified'], ['notes: été.txt', 'verified']])

    const result = await received
    expect(result.status).toBe('completed')
    for (const [source, name] of [[photo, 'photo from phone.jpg'], [notes, 'notes_ été.txt']] as const) {
      const landed = await readFile(join(inbox, name))
      expect(landed.equals(await readFile(source)), name).toBe(true)
      expect(result.files.find((f) => f.path === name)?.blake3).toBe(await blake3Of(landed))
    }
    expect(pageErrors).toEqual([])
  })
})
