// Entry point of the browser children, spawned by browser-run.ts (inside the path's namespace, so Chromium is too):
//   node bench/browser-child.ts download --chromium PATH --url URL --dir DOWNLOADS --save-as PATH --link file|all --timeout-ms N
//   node bench/browser-child.ts upload --chromium PATH --url URL --files LIST.json --timeout-ms N
// Chromium (Debian's, headless) opens the share link as a person would: clicks the file's Download link or "Download
// all (.zip)" (driven by playwright-core), or picks files in the page's file input, at most UPLOAD_BATCH_FILES per
// pick (driven over DevTools by hand, cdp-browser.ts: Playwright's network instrumentation would copy every byte
// the page sends into DevTools events, which no person's browser does). JSON lines on stdout: `launched`, `start` (just before the page is opened: the run's clock starts there),
// then `done` with the seconds from `start` to the last byte on disk (download) or verified (upload).
import { readFile, rename, stat } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { chromium, type Browser, type Page } from 'playwright-core'
import { launchCdpBrowser } from './cdp-browser.ts'
import { printLine } from './child-stats.ts'

/** Quiet, headless, no sandbox (root in a container), nothing talking to the network but the page. */
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
/** http-share's default maxUploadFiles: one offer may hold at most this many files, so larger sets go in turns. */
const UPLOAD_BATCH_FILES = 1000

// The page's selectors, all in one place (packages/http-share/page/index.html).
const FILES_SECTION = '#files'
const FILE_LINK = '#file-list [data-role="download"]'
const DOWNLOAD_ALL = '#download-all'
const FILE_PICKER = '#file-picker'
const UPLOAD_VISIBLE = "document.querySelector('#upload') !== null && !document.querySelector('#upload').hidden"
const STATUS_DONE_OR_FAILED = "document.querySelector('#status.ok, #status.bad') !== null"
const STATUS = "({ kind: document.getElementById('status').className, text: document.getElementById('status').textContent })"
const RESET_STATUS = "(() => { const s = document.getElementById('status'); s.textContent = ''; s.className = '' })()"

async function download(page: Page, url: string, link: string, saveAs: string): Promise<Record<string, unknown>> {
  printLine({ type: 'start' })
  const started = performance.now()
  await page.goto(url)
  await page.locator(FILES_SECTION).waitFor({ state: 'visible' })
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(link === 'file' ? FILE_LINK : DOWNLOAD_ALL).first().click()])
  const path = await dl.path() // resolves when the download has finished
  const seconds = (performance.now() - started) / 1000
  const failure = await dl.failure()
  if (failure) throw new Error(`the download failed: ${failure}`)
  // Playwright deletes its downloads with the browser context; a rename on the same disk keeps it, at no cost.
  await rename(path, saveAs)
  return { seconds, bytes: (await stat(saveAs)).size, suggestedFilename: dl.suggestedFilename() }
}

async function upload(chromiumPath: string, url: string, files: readonly string[], timeoutMs: number): Promise<Record<string, unknown>> {
  const browser = await launchCdpBrowser(chromiumPath, CHROMIUM_FLAGS)
  try {
    const page = await browser.newPage()
    printLine({ type: 'launched' })
    printLine({ type: 'start' })
    const started = performance.now()
    await page.goto(url)
    await page.waitFor(UPLOAD_VISIBLE, timeoutMs)
    for (let i = 0; i < files.length; i += UPLOAD_BATCH_FILES) {
      await page.evaluate(RESET_STATUS)
      await page.setInputFiles(FILE_PICKER, files.slice(i, i + UPLOAD_BATCH_FILES))
      await page.waitFor(STATUS_DONE_OR_FAILED, timeoutMs)
      const status = await page.evaluate<{ kind: string, text: string }>(STATUS)
      if (status.kind === 'bad') throw new Error(`the upload failed: ${status.text}`)
    }
    return { seconds: (performance.now() - started) / 1000, files: files.length }
  } finally {
    await browser.close()
  }
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      chromium: { type: 'string' },
      url: { type: 'string' },
      dir: { type: 'string' },
      'save-as': { type: 'string' },
      link: { type: 'string' },
      files: { type: 'string' },
      'timeout-ms': { type: 'string' }
    }
  })
  const [role] = positionals
  const url = values.url ?? ''
  if (!/^http:\/\/(127\.0\.0\.1|10\.254\.200\.[12]):\d+\/s\/[\w-]+\/$/.test(url)) throw new Error(`not a share link on a bench address: ${url}`)
  const timeoutMs = Number(values['timeout-ms'] ?? 60_000)
  if (role === 'upload' && values.files && values.chromium) {
    const files = JSON.parse(await readFile(values.files, 'utf8')) as string[]
    printLine({ type: 'done', ...(await upload(values.chromium, url, files, timeoutMs)) })
    return
  }
  let browser: Browser | undefined
  try {
    browser = await chromium.launch({ executablePath: values.chromium, headless: true, args: CHROMIUM_FLAGS, downloadsPath: values.dir })
    const context = await browser.newContext({ acceptDownloads: true })
    const page = await context.newPage()
    page.setDefaultTimeout(timeoutMs)
    printLine({ type: 'launched' })
    if (role === 'download' && values.dir && values['save-as'] && (values.link === 'file' || values.link === 'all')) {
      printLine({ type: 'done', ...(await download(page, url, values.link, values['save-as'])) })
    } else {
      throw new Error('usage: browser-child.ts download --url U --dir D --save-as P --link file|all | upload --url U --files LIST.json')
    }
  } finally {
    await browser?.close()
  }
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err)
  printLine({ type: 'error', code: 'BENCH_BROWSER_FAILED', message })
  process.stderr.write(`${err instanceof Error && err.stack ? err.stack : message}\n`)
  process.exit(1)
})
