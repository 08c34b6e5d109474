// Entry point of the browser children, spawned by browser-run.ts (inside the path's namespace, so Chromium is too):
//   node bench/browser-child.ts download --chromium PATH --url URL --dir DOWNLOADS --save-as PATH --link file|all --timeout-ms N
//   node bench/browser-child.ts upload --chromium PATH --url URL --files LIST.json --timeout-ms N
// Chromium (Debian's, headless, through playwright-core) opens the share link as a person would: clicks the file's
// Download link or "Download all (.zip)", or picks files in the page's file input, at most UPLOAD_BATCH_FILES per
// pick. JSON lines on stdout: `launched`, `start` (just before the page is opened: the run's clock starts there),
// then `done` with the seconds from `start` to the last byte on disk (download) or verified (upload).
import { readFile, rename, stat } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { chromium, type Browser, type Page } from 'playwright-core'
import { printLine } from './child-stats.ts'

/** Quiet, headless, no sandbox (root in a container), nothing talking to the network but the page. */
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
/** http-share's default maxUploadFiles: one offer may hold at most this many files, so larger sets go in turns. */
const UPLOAD_BATCH_FILES = 1000

// The page's selectors, all in one place (packages/http-share/page/index.html).
const FILES_SECTION = '#files'
const FILE_LINK = '#file-list [data-role="download"]'
const DOWNLOAD_ALL = '#download-all'
const UPLOAD_SECTION = '#upload'
const FILE_PICKER = '#file-picker'
const STATUS_DONE_OR_FAILED = '#status.ok, #status.bad'
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

async function upload(page: Page, url: string, files: readonly string[]): Promise<Record<string, unknown>> {
  printLine({ type: 'start' })
  const started = performance.now()
  await page.goto(url)
  await page.locator(UPLOAD_SECTION).waitFor({ state: 'visible' })
  for (let i = 0; i < files.length; i += UPLOAD_BATCH_FILES) {
    await page.evaluate(RESET_STATUS)
    await page.locator(FILE_PICKER).setInputFiles(files.slice(i, i + UPLOAD_BATCH_FILES))
    const status = page.locator(STATUS_DONE_OR_FAILED)
    await status.waitFor()
    if ((await status.getAttribute('class')) === 'bad') throw new Error(`the upload failed: ${await status.textContent()}`)
  }
  return { seconds: (performance.now() - started) / 1000, files: files.length }
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
  let browser: Browser | undefined
  try {
    browser = await chromium.launch({ executablePath: values.chromium, headless: true, args: CHROMIUM_FLAGS, downloadsPath: values.dir })
    const context = await browser.newContext({ acceptDownloads: true })
    const page = await context.newPage()
    page.setDefaultTimeout(timeoutMs)
    printLine({ type: 'launched' })
    if (role === 'download' && values.dir && values['save-as'] && (values.link === 'file' || values.link === 'all')) {
      printLine({ type: 'done', ...(await download(page, url, values.link, values['save-as'])) })
    } else if (role === 'upload' && values.files) {
      const files = JSON.parse(await readFile(values.files, 'utf8')) as string[]
      printLine({ type: 'done', ...(await upload(page, url, files)) })
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
