// Issue 15 in a real browser: the recipient page was bare and technical. It now says who shares, counts files in
// words and shows dates in the visitor's own format without seconds, gives one Download button a file (no zip for a
// single file), says "This share has ended" once it expires instead of keeping buttons that fail, and its PIN form
// takes digits only, counts the tries left and holds its button while the server refuses attempts.

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFixture, type Fixture } from '../helpers/share-fixture.ts'
import { SharePage } from './share-page.ts'

const CHROMIUM = '/usr/bin/chromium'

describe.skipIf(!existsSync(CHROMIUM))('the recipient page a newcomer meets (issue 15)', () => {
  let browser: Browser
  let fx: Fixture
  let context: BrowserContext
  let sharePage: SharePage

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] })
  })
  afterAll(async () => { await browser?.close() })
  beforeEach(async () => {
    fx = await startFixture({ limits: { maxPinAttempts: 3, pinWindowMs: 4_000 } })
    await fx.file('holiday/a.jpg', 'a')
    await fx.file('holiday/b.jpg', 'bb')
    await fx.file('report.pdf', 'the report')
    context = await browser.newContext({ locale: 'en-GB', timezoneId: 'UTC' })
    sharePage = new SharePage(await context.newPage())
  })
  afterEach(async () => {
    await context.close()
    await fx.close()
  })

  it('says who shares, counts in words, dates without seconds, and gives a single file one Download button and no zip', async () => {
    const one = await fx.server.addShare({ paths: [join(fx.dir, 'report.pdf')], from: 'Ada’s laptop', expiresInMs: 3 * 24 * 3600_000 })
    await sharePage.open(one.urls[0] as string)
    const header = await sharePage.header()
    expect(header.from).toBe('Ada’s laptop shares with you')
    expect(header.meta).toMatch(/^1 file, 10 B · available until \d{1,2} \w{3} \d{4}, \d{2}:\d{2}$/)
    expect(await sharePage.buttons()).toEqual({ downloads: 1, zip: false })

    const folder = await fx.server.addShare({ paths: [join(fx.dir, 'holiday')], expiresInMs: 3600_000 })
    // The visitor's clock decides "today" and "tomorrow": the page is read once just before the share ends, once the
    // evening before (UTC, as the context's time zone), whatever time of day the test runs.
    const expiresAt = Date.now() + 3600_000
    await sharePage.page.clock.setFixedTime(new Date(expiresAt - 5 * 60_000))
    await sharePage.open(folder.urls[0] as string)
    expect((await sharePage.header()).meta).toMatch(/^2 files, 3 B · available until today at \d{2}:\d{2}$/)
    expect(await sharePage.buttons()).toEqual({ downloads: 2, zip: true })
    const dayBefore = new Date(expiresAt)
    dayBefore.setUTCHours(0, 0, 0, 0)
    await sharePage.page.clock.setFixedTime(new Date(dayBefore.getTime() - 60_000))
    await sharePage.open(folder.urls[0] as string)
    expect((await sharePage.header()).meta).toMatch(/^2 files, 3 B · available until tomorrow at \d{2}:\d{2}$/)
  })

  it('says "This share has ended" when an open page\'s share expires, and takes its Download buttons away', async () => {
    // Long enough for the page to list its files on a loaded machine (at 1.5 s, CI once saw it expire first).
    const brief = await fx.server.addShare({ paths: [join(fx.dir, 'holiday')], expiresInMs: 4_000 })
    await sharePage.open(brief.urls[0] as string)
    await sharePage.waitForFiles()
    expect(await sharePage.downloadButtonsVisible()).toBe(true)
    expect(await sharePage.endedReason()).toMatch(/^It expired\./)
    expect(await sharePage.downloadButtonsVisible()).toBe(false)
    await sharePage.open(brief.urls[0] as string)
    expect(await sharePage.endedReason()).toMatch(/expired/)
  })

  it('takes digits only for the PIN, counts the tries left, and holds Open while the server refuses attempts', async () => {
    const locked = await fx.server.addShare({ paths: [join(fx.dir, 'report.pdf')], pin: '246810' })
    await sharePage.open(locked.urls[0] as string)
    expect(await sharePage.typePin('12a4')).toBe('124')
    expect(await sharePage.pinError()).toBe('The PIN is digits only.')
    await sharePage.typePin('111111')
    await sharePage.page.locator('#pin-submit').click()
    expect(await sharePage.pinError('The PIN is digits only.')).toBe('Wrong PIN. 2 tries left.')
    await sharePage.typePin('111112')
    await sharePage.page.locator('#pin-submit').click()
    expect(await sharePage.pinError('Wrong PIN. 2 tries left.')).toBe('Wrong PIN. 1 try left.')
    await sharePage.typePin('111113')
    await sharePage.page.locator('#pin-submit').click()
    expect(await sharePage.pinError('Wrong PIN. 1 try left.')).toBe('Wrong PIN. That was the last try for now.')
    await sharePage.typePin('246810')
    await sharePage.page.locator('#pin-submit').click()
    expect(await sharePage.pinError('Wrong PIN. That was the last try for now.')).toMatch(/^Too many wrong PINs from this address; try again in 1 minute\.$/)
    expect(await sharePage.pinSubmitDisabled()).toBe(true)
    expect(await sharePage.pinError(await sharePage.page.locator('#pin-error').textContent() ?? '')).toBe('You can try the PIN again.')
    expect(await sharePage.pinSubmitDisabled()).toBe(false)
    await sharePage.enterPin('246810')
    expect(await sharePage.fileNames()).toEqual(['report.pdf'])
  })
})
