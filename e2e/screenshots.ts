// The README's pictures of the app, made by driving the real thing: two `ferry ui` engines on loopback, their pages
// in Debian's Chromium, a share link opened by a visitor, each main screen captured at desktop (1280 x 800) and phone
// (390 x 844) width into docs/screenshots/. Run it again after a change to the UI:
//
//   pnpm -C e2e screenshots          (or: node e2e/screenshots.ts)
//
// It uses the e2e fixtures and page objects, so it clicks what a user clicks; nothing is faked. Files and folders it
// shows live under a temporary home it removes at the end.

import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from '@playwright/test'
import { ensureUiBuilt } from '../apps/cli/src/ui-server/build-ui.ts'
import { startBrowserHost } from './fixtures/browser-host.ts'
import { MiB, writeRandomFile, writeTree } from './fixtures/trees.ts'
import config from './playwright.config.ts'
import { SharePage } from './pages/share-page.ts'

const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url))
const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const

type Width = keyof typeof WIDTHS

/** Captures `page` at each width as docs/screenshots/WIDTH-NAME.png; `prepare` runs after each resize. */
async function shoot (page: Page, name: string, prepare: (width: Width) => Promise<void> = async () => {}): Promise<string[]> {
  const written: string[] = []
  for (const width of Object.keys(WIDTHS) as Width[]) {
    await page.setViewportSize(WIDTHS[width])
    await prepare(width)
    // Let transitions and the QR image settle.
    await page.waitForTimeout(300)
    const file = join(OUT, `${width}-${name}.png`)
    await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' })
    written.push(file)
  }
  return written
}

async function main (): Promise<void> {
  await ensureUiBuilt({ timeoutMs: 180_000 })
  await mkdir(OUT, { recursive: true })
  const root = await mkdtemp(join(tmpdir(), 'ferry-tour-'))
  const home = join(root, 'ada')
  const browser = await chromium.launch({ ...config.use?.launchOptions })
  const written: string[] = []
  try {
    // Latin names only: the build machine's Chromium may have no CJK or emoji font, and boxes would show.
    const trip = join(home, 'Pictures', 'Trip 2024')
    await writeTree(trip, { 'beach.jpg': { size: 3 * MiB, seed: 4 }, 'sunset.jpg': { size: 2 * MiB, seed: 5 }, 'notes.txt': 'Pack the charger.\n', 'Day 2': { 'harbour.jpg': { size: MiB, seed: 6 } } })
    await writeRandomFile(join(home, 'Pictures', 'cat.jpg'), { size: 2 * MiB, seed: 1 })
    await writeRandomFile(join(home, 'Pictures', 'dog.jpg'), { size: 1 * MiB, seed: 2 })
    await writeRandomFile(join(home, 'Documents', 'report.pdf'), { size: MiB / 2, seed: 3 })
    await mkdir(join(home, 'Desktop'), { recursive: true })
    await mkdir(join(home, 'Downloads'), { recursive: true })
    const [ada, ben] = await Promise.all([
      startBrowserHost(join(home, '.ferry'), { alias: 'Ada’s laptop' }, browser),
      startBrowserHost(join(root, 'ben', '.ferry'), { alias: 'Ben’s desktop' }, browser)
    ])
    try {
      await ada.app.peers.addDevice(await ben.app.peers.thisDeviceLink())
      await ben.app.peers.addDevice(await ada.app.peers.thisDeviceLink())

      // Nearby, with what became of a send on the card.
      await ada.app.peers.sendFiles('Ben’s desktop', [join(home, 'Pictures', 'cat.jpg'), join(home, 'Pictures', 'dog.jpg')])
      await ben.app.offers.expectFrom('Ada’s laptop')
      written.push(...await shoot(ben.page, 'offer'))
      await ben.app.offers.accept()
      await ada.app.peers.expectOutcome('Ben’s desktop', /received 2 files/, { timeout: 60_000 })
      written.push(...await shoot(ada.page, 'nearby'))

      // The file browser a browser user picks with.
      await ada.app.sections.open('Nearby')
      await ada.page.getByRole('article', { name: 'Ben’s desktop' }).getByRole('button', { name: 'Send folder…' }).click()
      const picker = ada.page.getByRole('dialog', { name: 'Send a folder to Ben’s desktop' })
      await picker.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: 'Home', exact: true }).click()
      await picker.getByRole('button', { name: 'Open folder Pictures' }).click()
      await picker.getByText('Trip 2024').waitFor()
      written.push(...await shoot(ada.page, 'file-browser'))
      await picker.getByRole('button', { name: 'Open folder Trip 2024' }).click()
      await picker.getByRole('button', { name: 'Choose “Trip 2024”' }).click()
      await ben.app.offers.expectFrom('Ada’s laptop')
      await ben.app.offers.accept()

      // What arrived: verified, where it went, Open / Show in folder.
      await ben.app.transfers.expectDone('From Ada’s laptop', { timeout: 60_000 })
      written.push(...await shoot(ben.page, 'transfers', async () => { await ben.app.transfers.open() }))
      await ben.app.history.open()
      written.push(...await shoot(ben.page, 'history'))

      // A share link: the address a phone reaches, its QR code, the other addresses; then the visitor's page.
      const share = await ada.app.shares.create({ paths: [trip], pin: true, allowUpload: true }, { keepOpen: true })
      written.push(...await shoot(ada.page, 'share-link'))
      await ada.app.shares.closeDetails()
      const visitorContext = await browser.newContext()
      const visitorPage = await visitorContext.newPage()
      const visitor = new SharePage(visitorPage)
      await visitor.open(share.url)
      written.push(...await shoot(visitorPage, 'share-page-pin'))
      await visitor.enterPin(share.pin ?? '')
      await visitor.files()
      written.push(...await shoot(visitorPage, 'share-page'))
      await visitorContext.close()

      await ada.app.settings.open()
      written.push(...await shoot(ada.page, 'settings'))
    } finally {
      await ada.close()
      await ben.close()
    }
  } finally {
    await browser.close()
    await rm(root, { recursive: true, force: true })
  }
  const repo = fileURLToPath(new URL('../', import.meta.url))
  for (const file of written) console.log(`${relative(repo, file)}  ${Math.round((await stat(file)).size / 1024)} KiB`)
}

await main()
