// `ferry ui` in Debian's Chromium: every main screen renders without console errors (screenshots in
// e2e/artifacts/), and two instances move a file, accepted in the receiver's offer dialog.
// The browser host has no file dialog, so the send goes through the page's type-a-path dialog; adding the device
// and accepting the offer go through the pages too. (e2e/ holds the full scenarios.)

import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureUiBuilt } from '../src/ui-server/build-ui.ts'

const CHROMIUM = '/usr/bin/chromium'
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const ARTIFACTS = fileURLToPath(new URL('../../../e2e/artifacts/', import.meta.url))

interface UiInstance {
  url: string
  port: number
  peerId: string
  quic: { host: string, port: number }
  downloads: string
  stop: () => Promise<void>
}

const stops: Array<() => Promise<void>> = []

async function startUi (): Promise<UiInstance> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-ui-'))
  const downloads = join(dir, 'downloads')
  const child: ChildProcess = spawn(process.execPath, [MAIN, 'ui', '--json', '--host', '127.0.0.1', '--dir', downloads], {
    env: { ...process.env, FERRY_CONFIG_DIR: join(dir, 'config'), FERRY_NO_MDNS: '1', FERRY_NO_LOCALSEND: '1' }, stdio: ['ignore', 'pipe', 'pipe']
  })
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    await rm(dir, { recursive: true, force: true })
  }
  stops.push(stop)
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error('ferry ui printed no URL')) }, 20_000)
    lines.once('line', (line) => { clearTimeout(timer); resolve(JSON.parse(line) as Record<string, unknown>) })
    child.once('exit', (code) => { reject(new Error(`ferry ui exited with ${code}`)) })
  })
  const device = first.device as { peerId: string, addresses: Array<{ host: string, port: number }> }
  return { url: first.url as string, port: first.port as number, peerId: device.peerId, quic: device.addresses[0] as { host: string, port: number }, downloads, stop }
}

describe.skipIf(!existsSync(CHROMIUM))('ferry ui in Chromium', () => {
  let browser: Browser

  beforeAll(async () => {
    await ensureUiBuilt({ timeoutMs: 50_000 })
    await mkdir(ARTIFACTS, { recursive: true })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
    })
  })

  afterAll(async () => {
    await browser?.close()
    for (const stop of stops.splice(0)) await stop()
  })

  const openPage = async (url: string): Promise<{ page: Page, errors: string[] }> => {
    const page = await browser.newPage({ reducedMotion: 'reduce' })
    const errors: string[] = []
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()) })
    page.on('pageerror', (err) => { errors.push(err.message) })
    await page.goto(url)
    await page.getByRole('heading', { name: 'Ferry', level: 1 }).waitFor()
    await page.getByText('This device:').waitFor()
    return { page, errors }
  }

  it('renders each main screen from the real engine, without console errors', async () => {
    const a = await startUi()
    const { page, errors } = await openPage(a.url)
    const nav = page.getByRole('navigation', { name: 'Sections' })
    for (const [label, file] of [['Nearby', 'nearby'], ['Transfers', 'transfers'], ['Share links', 'shares'], ['History', 'history'], ['Settings', 'settings']] as const) {
      await nav.getByRole('button', { name: label }).click()
      await expect.poll(async () => await nav.getByRole('button', { name: label }).getAttribute('aria-current')).toBe('page')
      await expect.poll(async () => await page.locator('main').innerText()).not.toMatch(/Connecting to Ferry/)
      await page.screenshot({ path: join(ARTIFACTS, `ui-${file}.png`) })
    }
    expect(errors).toEqual([])
    await page.close()
  })

  it('keeps a short code on one line at phone widths, and a tab\'s focus ring inside the strip that scrolls the tabs (issue 15)', async () => {
    const [a, b] = await Promise.all([startUi(), startUi()])
    const { page, errors } = await openPage(a.url)
    await page.getByRole('button', { name: 'Add device…' }).click()
    await page.getByRole('textbox', { name: 'Address or link' }).fill(`${b.quic.host}:${b.quic.port}/${b.peerId}`)
    await page.getByRole('button', { name: 'Add device', exact: true }).click()
    const codes = page.locator('header .code, article .code')
    await expect.poll(async () => await codes.count()).toBe(2)
    for (const width of [600, 360]) {
      await page.setViewportSize({ width, height: 800 })
      expect(await codes.evaluateAll((els) => els.map((el) => el.getClientRects().length)), `at ${width} px`).toEqual([1, 1])
    }
    // However little room a long alias leaves it ("EE96-/YR62" was seen at 600 px), a code never breaks at its dash.
    // (In-page code as text: these tests are type-checked without the DOM library.)
    expect(await page.evaluate(`[...document.querySelectorAll('header .code, article .code')].map((el) => {
      el.parentElement.style.width = '3em'
      return el.getClientRects().length
    })`)).toEqual([1, 1])
    // Keyboard focus on a tab (focus-visible), then: is its whole outline inside every ancestor that clips?
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab')
      if (await page.evaluate('document.activeElement?.closest(\'nav[aria-label="Sections"]\') != null') === true) break
    }
    const ring = await page.evaluate(`(() => {
      const el = document.activeElement
      if (el === null || el.closest('nav[aria-label="Sections"]') === null) return 'no tab has focus'
      const style = getComputedStyle(el)
      if (style.outlineStyle === 'none') return 'no focus ring'
      const grow = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth)
      const r = el.getBoundingClientRect()
      for (let up = el.parentElement; up !== null; up = up.parentElement) {
        const s = getComputedStyle(up)
        if (s.overflowX === 'visible' && s.overflowY === 'visible') continue
        const box = up.getBoundingClientRect()
        if (r.left - grow < box.left || r.top - grow < box.top || r.right + grow > box.right || r.bottom + grow > box.bottom) return 'clipped by ' + up.tagName.toLowerCase()
      }
      return 'whole'
    })()`)
    expect(ring).toBe('whole')
    expect(errors).toEqual([])
    await page.close()
  })

  it('signs in with the one-time link, leaves a clean address bar, and refuses the spent link in a second browser (issue 15)', async () => {
    const a = await startUi()
    const { page, errors } = await openPage(a.url)
    expect(page.url()).toBe(`http://127.0.0.1:${a.port}/`)
    const other = await browser.newContext()
    const stranger = await other.newPage()
    await stranger.goto(a.url)
    expect(stranger.url()).toBe(`http://127.0.0.1:${a.port}/`)
    await stranger.getByText(/This page is not signed in to Ferry/).waitFor()
    await other.close()
    // The first page is still signed in and working.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click()
    expect(errors).toEqual([])
    await page.close()
  })

  it('moves a file from A to B: B added by address in A\'s page, accepted in B\'s offer dialog', async () => {
    const [a, b] = await Promise.all([startUi(), startUi()])
    const pageA = await openPage(a.url)
    const pageB = await openPage(b.url)

    await pageA.page.getByRole('button', { name: 'Add device…' }).click()
    await pageA.page.getByRole('textbox', { name: 'Address or link' }).fill(`${b.quic.host}:${b.quic.port}/${b.peerId}`)
    await pageA.page.getByRole('button', { name: 'Add device', exact: true }).click()
    await pageA.page.getByRole('button', { name: 'Send files…' }).waitFor()

    // No native file dialog in a browser host: "Send files…" opens the UI's own browser of this computer (issue 15).
    const folder = await mkdtemp(join(tmpdir(), 'ferry-src-'))
    await writeFile(join(folder, 'note.txt'), 'from A to B\n')
    await pageA.page.getByRole('button', { name: 'Send files…' }).click()
    const picker = pageA.page.getByRole('dialog', { name: /^Send files to / })
    await picker.getByRole('textbox', { name: 'Folder' }).fill(folder)
    await picker.getByRole('button', { name: 'Go', exact: true }).click()
    await picker.getByRole('checkbox', { name: 'note.txt', exact: true }).check()
    await picker.getByRole('button', { name: 'Choose file' }).click()

    const dialog = pageB.page.getByRole('dialog')
    await dialog.getByText('note.txt').waitFor()
    await dialog.getByRole('button', { name: 'Accept', exact: true }).click()
    await expect.poll(async () => await readFile(join(b.downloads, 'note.txt'), 'utf8').catch(() => ''), { timeout: 15_000 }).toBe('from A to B\n')
    await pageB.page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'History' }).click()
    await pageB.page.getByText('note.txt').first().waitFor()
    await pageB.page.screenshot({ path: join(ARTIFACTS, 'ui-received.png') })
    expect([...pageA.errors, ...pageB.errors]).toEqual([])
  })
})
