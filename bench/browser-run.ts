// One repetition of Ferry's browser share: `ferry share` on one side, Chromium (driven by browser-child.ts) on the
// other. Download: the share serves the source from the sending side and Chromium saves it on the receiving side,
// one file by its link or a folder as the page's zip. Upload: the share accepts into a folder on the receiving side
// and Chromium picks the source's files in the page. The clock starts as the page is opened (a browser is already
// running on a person's computer, so Chromium's launch is not counted) and stops at the last byte on disk
// (download) or the last file verified by the share (upload).
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BenchChild } from './child.ts'
import { describeExit, exitedCleanly, readNumber, readString } from './child.ts'
import { CHROMIUM_PATH } from './browser.ts'
import { FirstByteWatch } from './first-byte.ts'
import type { ProcTreeMonitor } from './proc-tree.ts'
import { describeRunName, newResult, sideStats, watchSide, type RunContext, type ToolRunner } from './run-context.ts'
import { listTree } from './tree.ts'
import type { RunResult } from './types.ts'
import { verifyFlat, verifyReceived } from './verify.ts'
import { verifyZip } from './zip-verify.ts'

type Direction = 'browser-download' | 'browser-upload'

/** The share stops on SIGTERM and prints its stats line; after this it is killed. */
const SHARE_STOP_GRACE_MS = 10_000

interface Scripts {
  cliMain: string
  browserChild: string
}

async function startShare(ctx: RunContext, args: string[], ns: string | undefined, host: string): Promise<{ share: BenchChild; url: string } | { error: string }> {
  const minutes = Math.ceil(ctx.timeoutMs / 60_000) + 5 // the link outlives the run's deadline
  const share = ctx.children.spawnNode('ferry share', [...args, '--host', host, '--port', '0', '--expires', `${minutes}m`, '--json'], {
    ns, env: { ...process.env, FERRY_CONFIG_DIR: join(ctx.runDir, 'share-config') }, timeoutMs: ctx.timeoutMs
  })
  try {
    const url = readString(await share.waitFor('share'), 'url') ?? ''
    if (!url.startsWith(`http://${host}:`)) throw new Error(`the share's link is not on ${host}: ${url}`)
    return { share, url }
  } catch (err) {
    share.kill()
    return { error: `${err instanceof Error ? err.message : String(err)}\n${describeExit(share, await share.exited)}` }
  }
}

async function runBrowser(direction: Direction, scripts: Scripts, ctx: RunContext): Promise<RunResult> {
  const { children, workload, path, timeoutMs } = ctx
  const result = newResult(ctx, direction)
  const received = join(ctx.runDir, 'received')
  await mkdir(received)
  const single = workload.files === 1 && workload.name === 'big'
  const zipPath = join(ctx.runDir, 'download.zip')
  let shareArgs: string[]
  let browserArgs: string[]
  if (direction === 'browser-download') {
    shareArgs = [scripts.cliMain, 'share', workload.sourcePath]
    const saveAs = single ? join(received, 'big.bin') : zipPath
    browserArgs = ['download', '--dir', received, '--save-as', saveAs, '--link', single ? 'file' : 'all']
  } else {
    const placeholder = join(ctx.runDir, 'readme.txt') // a share lists at least one file
    await writeFile(placeholder, 'Ferry bench: upload here\n')
    shareArgs = [scripts.cliMain, 'share', placeholder, '--allow-upload', '--yes', '--dir', received]
    const list = join(ctx.runDir, 'upload-files.json')
    await writeFile(list, JSON.stringify((await listTree(workload.sourcePath)).map((f) => f.abs)))
    browserArgs = ['upload', '--files', list]
  }
  // The share is the sending side for a download, the receiving side for an upload; the browser is the other.
  const [shareNs, shareHost, browserNs] = direction === 'browser-download'
    ? [path.senderNs, path.senderHost, path.receiverNs]
    : [path.receiverNs, path.receiverHost, path.senderNs]
  const started = await startShare(ctx, shareArgs, shareNs, shareHost)
  if ('error' in started) return { ...result, error: started.error }
  const { share, url } = started
  let browser: BenchChild | undefined
  let shareWatch: ProcTreeMonitor | undefined
  let browserWatch: ProcTreeMonitor | undefined
  let firstByte: FirstByteWatch | undefined
  try {
    shareWatch = watchSide(share)
    browser = children.spawnNode(`chromium ${direction}`, [scripts.browserChild, ...browserArgs, '--chromium', CHROMIUM_PATH, '--url', url, '--timeout-ms', String(timeoutMs)], { ns: browserNs, timeoutMs })
    // The driver (node) is not part of the side: only Chromium's processes are.
    browserWatch = watchSide(browser, { excludeRoot: true })
    let done
    let startedAt = 0
    try {
      await browser.waitFor('start')
      firstByte = new FirstByteWatch(received)
      shareWatch?.markBaseline()
      browserWatch?.markBaseline()
      startedAt = performance.now()
      done = await browser.waitFor('done')
    } catch (err) {
      browser.kill()
      return { ...result, error: `${err instanceof Error ? err.message : String(err)}\n${describeExit(browser, await browser.exited)}` }
    }
    const browserFigures = browserWatch?.stop()
    const shareFigures = shareWatch?.stop()
    result.ttfbMs = await firstByte.stop(startedAt)
    share.signal('SIGTERM')
    share.killAfter(SHARE_STOP_GRACE_MS)
    const [browserExit, shareExit] = await Promise.all([browser.exited, share.exited])
    const browserSide = sideStats(browserFigures)
    const shareSide = sideStats(shareFigures, share.last('stats'))
    result.sender = direction === 'browser-download' ? shareSide : browserSide
    result.receiver = direction === 'browser-download' ? browserSide : shareSide
    if (!exitedCleanly(browserExit) || !exitedCleanly(shareExit)) {
      return { ...result, error: `${describeExit(browser, browserExit)}\n${describeExit(share, shareExit)}` }
    }
    const what = describeRunName(ctx, direction)
    if (direction === 'browser-upload') await verifyFlat(ctx.digest, received, what)
    else if (single) await verifyReceived(ctx.digest, received, what)
    else await verifyZip(ctx.digest, zipPath, what)
    result.wallSeconds = readNumber(done, 'seconds')
    result.ok = true
    return result
  } finally {
    browserWatch?.stop()
    shareWatch?.stop()
    await firstByte?.stop(0)
    browser?.kill()
    share.kill()
    await Promise.all([browser?.exited, share.exited])
  }
}

export function browserRunner(direction: Direction, scripts: Scripts): ToolRunner {
  return { tool: direction, run: (ctx) => runBrowser(direction, scripts, ctx) }
}
