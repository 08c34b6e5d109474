// `pnpm bench`: Ferry side by side with a plain TCP copy, rsync over ssh, scp and Ferry's browser share (Chromium
// downloading and uploading through the share link), on the same files, on this machine: over loopback, and between
// two network namespaces the bench creates and removes (1 Gbit/s, then also 1 % loss). Workloads: one 4 GiB file,
// 10,000 x 4 KiB files, a 2 GiB photo library (FERRY_BENCH_SCALE shrinks them all). Every run is verified byte for
// byte, has a deadline, and kills only the processes it started. See options.ts for the knobs.
// Progress goes to stderr; the table and the target lines go to stdout; everything goes to bench/results/.
import { existsSync, rmSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { browserSkipReason } from './browser.ts'
import { browserRunner } from './browser-run.ts'
import { ChildSet } from './child.ts'
import { freshFilesystems, type FreshFilesystems } from './fresh-fs.ts'
import { createNamespacePair, findNft, RECEIVER_ADDRESS, SENDER_ADDRESS, type NamespacePair } from './netns.ts'
import { USAGE, readOptions, type BenchOptions } from './options.ts'
import { pairRunner } from './pair-run.ts'
import { formatMarkdown, formatTable, lossNotes, machineInfo, MB, pathNotes, summarizeRuns, writeResults } from './report.ts'
import type { ToolRunner } from './run-context.ts'
import { findSshTools, prepareSsh } from './ssh.ts'
import { sshRunner } from './ssh-run.ts'
import { measureStartup, type StartupResult } from './startup.ts'
import { checkIssue17Targets, checkTargets } from './targets.ts'
import { ferrySpec, localSendFromSpec, localSendToSpec, tcpSpec } from './tools.ts'
import type { NetPath, PathName, RunResult, Skip, Tool, Workload } from './types.ts'
import { VerifyError, digestTree } from './verify.ts'
import { generateWorkload } from './workloads.ts'

const benchDir = dirname(fileURLToPath(import.meta.url))
const repoRoot = dirname(benchDir)
// The production build (`pnpm run build`, which `pnpm bench` runs first): what a user runs.
const cliMain = join(repoRoot, 'apps', 'cli', 'dist', 'ferry.js')
const LOSS_PERCENT = 1
const NFT_INSTALL_HINT = 'apt-get install -y nftables'

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`)
}

function describeRun(w: Workload, r: RunResult): string {
  const head = `${w.label} ${r.path} ${r.tool} #${r.repetition}`
  if (!r.ok) return `${head}: FAILED\n${r.error ?? ''}`
  const secs = r.wallSeconds ?? 0
  const rate = w.name === 'big' ? `${(r.bytes / MB / secs).toFixed(1)} MB/s` : `${(r.files / secs).toFixed(0)} files/s, ${(r.bytes / MB / secs).toFixed(1)} MB/s`
  const cpu = `CPU ${r.sender?.cpuSeconds?.toFixed(2) ?? '-'} / ${r.receiver?.cpuSeconds?.toFixed(2) ?? '-'} s`
  const ttfb = r.ttfbMs === undefined ? '' : `, TTFB ${r.ttfbMs.toFixed(0)} ms`
  const warnings = r.warnings ? `; warning: ${r.warnings.join('; ')}` : ''
  return `${head}: ${secs.toFixed(2)} s, ${rate}${ttfb}, ${cpu}, verified${warnings}`
}

interface Setup {
  runners: ToolRunner[]
  skips: Skip[]
  paths: NetPath[]
  pair?: NamespacePair
  notes: string[]
  disks: FreshFilesystems
}

/** Which tools can run here, and on which paths; everything that cannot gets a skip with its reason. */
async function prepare(options: BenchOptions, tempRoot: string): Promise<Setup> {
  const runners: ToolRunner[] = []
  const toolSkips: { tool: Tool; reason: string }[] = []
  const notes: string[] = []
  const wanted = (tool: Tool): boolean => options.tools.includes(tool)
  if (wanted('ferry')) {
    if (existsSync(cliMain)) runners.push(pairRunner(ferrySpec(cliMain)))
    else toolSkips.push({ tool: 'ferry', reason: `${cliMain} not found: run \`pnpm run build\`` })
  }
  if (wanted('tcp')) runners.push(pairRunner(tcpSpec(join(benchDir, 'tcp-baseline.ts'))))
  for (const [tool, spec] of [['localsend-to', localSendToSpec], ['localsend-from', localSendFromSpec]] as const) {
    if (!wanted(tool)) continue
    if (existsSync(cliMain)) runners.push(pairRunner(spec(cliMain, join(benchDir, 'localsend-peer.ts'))))
    else toolSkips.push({ tool, reason: `${cliMain} not found: run \`pnpm run build\`` })
  }
  if (wanted('rsync') || wanted('scp')) {
    const tools = findSshTools()
    if ('skip' in tools) {
      for (const tool of ['rsync', 'scp'] as const) if (wanted(tool)) toolSkips.push({ tool, reason: tools.skip })
    } else {
      const ssh = await prepareSsh(tools, join(tempRoot, 'ssh'))
      notes.push(...ssh.notes)
      for (const tool of ['rsync', 'scp'] as const) if (wanted(tool)) runners.push(sshRunner(tool, ssh))
    }
  }
  if (wanted('browser-download') || wanted('browser-upload')) {
    const reason = await browserSkipReason(cliMain)
    for (const tool of ['browser-download', 'browser-upload'] as const) {
      if (!wanted(tool)) continue
      if (reason) toolSkips.push({ tool, reason })
      else runners.push(browserRunner(tool, { cliMain, browserChild: join(benchDir, 'browser-child.ts') }))
    }
  }

  const paths: NetPath[] = []
  const pathSkips: { path: PathName; reason: string }[] = []
  if (options.paths.includes('loopback')) {
    paths.push({ name: 'loopback', senderHost: '127.0.0.1', receiverHost: '127.0.0.1', description: '127.0.0.1, both sides in this network namespace, no shaping' })
  }
  let pair: NamespacePair | undefined
  if (options.paths.includes('netns') || options.paths.includes('loss')) {
    const nft = findNft()
    const made = await createNamespacePair(nft)
    if ('skip' in made) {
      for (const path of ['netns', 'loss'] as const) if (options.paths.includes(path)) pathSkips.push({ path, reason: made.skip })
    } else {
      pair = made
      const link = `two network namespaces over a veth, ${SENDER_ADDRESS} -> ${RECEIVER_ADDRESS}, tbf 1 Gbit/s on both ends; ` +
        (made.delayNote || '0.5 ms delay each way (netem)')
      const common = { senderNs: made.senderNs, receiverNs: made.receiverNs, senderHost: SENDER_ADDRESS, receiverHost: RECEIVER_ADDRESS }
      if (options.paths.includes('netns')) paths.push({ name: 'netns', ...common, description: link })
      if (options.paths.includes('loss')) {
        if (nft) {
          paths.push({
            name: 'loss', ...common,
            description: `the same link with ${LOSS_PERCENT} % of what leaves each side dropped (nftables numgen on the output hook); ` +
              'the kernel hands the veth whole offload units (TCP up to 64 KB, QUIC about eight packets), so it is 1 % of units, not of wire packets (sizes below)'
          })
        } else {
          pathSkips.push({ path: 'loss', reason: `nft not installed: run \`${NFT_INSTALL_HINT}\`` })
        }
      }
    }
  }
  const skips: Skip[] = []
  for (const path of options.paths) {
    const pathSkip = pathSkips.find((p) => p.path === path)
    for (const tool of options.tools) {
      const toolSkip = toolSkips.find((t) => t.tool === tool)
      if (pathSkip || toolSkip) skips.push({ tool, path, reason: pathSkip?.reason ?? toolSkip?.reason ?? '' })
    }
  }
  const disks = freshFilesystems()
  return { runners, skips, paths, pair, notes, disks }
}

async function runAll(options: BenchOptions, setup: Setup, tempRoot: string, children: ChildSet, workloads: Workload[], runs: RunResult[]): Promise<void> {
  for (const name of options.workloads) {
    const sourceDir = join(tempRoot, `source-${name}`)
    await mkdir(sourceDir)
    let started = performance.now()
    const workload = await generateWorkload(name, sourceDir, options.scale)
    workloads.push(workload)
    log(`generated ${workload.label}: ${workload.files} file(s), ${workload.bytes} bytes in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    started = performance.now()
    const digest = await digestTree(workload.sourcePath)
    log(`hashed the source in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    for (const path of setup.paths) {
      await setup.pair?.setLoss(path.name === 'loss' ? LOSS_PERCENT : 0)
      for (let repetition = 1; repetition <= options.repeat; repetition++) {
        // Alternate the order, so no tool always meets a warmer or colder page cache.
        const order = repetition % 2 === 1 ? setup.runners : [...setup.runners].reverse()
        for (const runner of order) {
          const runDir = await mkdtemp(join(tempRoot, `${runner.tool}-${name}-${path.name}-${repetition}-`))
          // A mount that fails (a full disk, no free loop device) leaves this run on the temp folder, said in the log.
          const unmount = await setup.disks.mountOver(runDir, workload.bytes).catch((err: unknown) => {
            log(`no fresh filesystem for this run, receiving into the temp folder: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`)
            return async () => {}
          })
          const before = path.name === 'loss' ? await setup.pair?.readCounters() : undefined
          try {
            const result = await runner.run({ children, workload, digest, path, repetition, timeoutMs: options.runTimeoutMs, runDir })
            const after = before ? await setup.pair?.readCounters() : undefined
            if (before && after) result.link = { units: after.units - before.units, bytes: after.bytes - before.bytes, dropped: after.dropped - before.dropped }
            runs.push(result)
            log(describeRun(workload, result))
          } finally {
            await unmount()
            await rm(runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
          }
        }
      }
    }
    await setup.pair?.setLoss(0)
    await rm(sourceDir, { recursive: true, force: true })
  }
}

async function main(): Promise<number> {
  let options: BenchOptions
  try {
    options = readOptions(process.argv.slice(2), process.env)
  } catch (err) {
    log(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`)
    return 2
  }
  const startedAt = new Date()
  const machineAtStart = machineInfo()
  const tempRoot = await mkdtemp(join(tmpdir(), 'ferry-bench-'))
  const children = new ChildSet(repoRoot)
  let pair: NamespacePair | undefined
  // On Ctrl-C or a kill, the finally below would never run: kill our children by PID, remove the namespaces and
  // the temp folder here.
  const onSignal = (signal: NodeJS.Signals): void => {
    children.killAll()
    pair?.remove()
    try {
      // Retries: a child killed a moment ago may still be closing a file in there.
      rmSync(tempRoot, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
      log(`interrupted by ${signal}; children killed, namespaces and ${tempRoot} removed`)
    } catch (err) {
      log(`interrupted by ${signal}; children killed, but ${tempRoot} could not be removed: ${String(err)}`)
    }
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  const workloads: Workload[] = []
  const runs: RunResult[] = []
  let setup: Setup | undefined
  let startup: StartupResult | undefined
  let aborted: string | undefined
  try {
    setup = await prepare(options, tempRoot)
    pair = setup.pair
    for (const note of setup.notes) log(note)
    for (const s of setup.skips) log(`skipping ${s.tool} on ${s.path}: ${s.reason}`)
    if (machineAtStart.loadAverage1m >= machineAtStart.cpus / 2) {
      log(`load average ${machineAtStart.loadAverage1m.toFixed(1)} on ${machineAtStart.cpus} CPUs: other work will skew the figures`)
    }
    log(`scale ${options.scale}, ${options.repeat} repetition(s), tools ${setup.runners.map((r) => r.tool).join(' + ') || 'none'}, ` +
      `paths ${setup.paths.map((p) => p.name).join(' + ') || 'none'}, run deadline ${options.runTimeoutMs / 1000} s, temp ${tempRoot}`)
    if (setup.runners.some((r) => r.tool === 'ferry')) {
      startup = measureStartup(cliMain)
      log(`ferry --version ${startup.ferryMs.median.toFixed(0)} ms, node -e 0 ${startup.nodeMs.median.toFixed(0)} ms (medians of ${startup.runs})`)
    }
    await runAll(options, setup, tempRoot, children, workloads, runs)
  } catch (err) {
    if (!(err instanceof VerifyError)) throw err
    aborted = err.message
  } finally {
    children.killAll()
    pair?.remove()
    await rm(tempRoot, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }

  if (!setup) return 1 // prepare() threw, and the error is already on its way out
  const rows = summarizeRuns(workloads, options.paths, options.tools, runs, setup.skips)
  const targets = [...checkTargets(rows, runs, options.scale), ...checkIssue17Targets(rows, runs, startup, options.scale)]
  const notes = [
    'median [min-max] over the repetitions; MB = 1e6 bytes; x TCP = MB/s over the plain TCP copy on the same path',
    'time: from starting the sending process (Ferry, TCP, rsync, scp) or opening the share page (browser) to the last byte verified on disk',
    'TTFB: from that start to the first non-empty file or partial in the destination (polled every 3 ms)',
    'CPU s: user + system seconds of each side\'s process tree from that start (/proc, every 50 ms)',
    'RSS MB: peak memory of each side: one process\'s peak RSS (a Node process\'s own maxRSS); for several (rsync + ssh, sshd and its session, Chromium) the peak of their summed PSS, read every 0.5 s',
    'browser rows: Chromium is the receiving side of a download and the sending side of an upload; `ferry share` is the other side; a folder downloads as one zip',
    `disk: ${setup.disks.note || 'each run receives onto a fresh ext4 of its own (a sparse image on a loop device, direct I/O), never where the previous run just deleted its files'}`,
    ...pathNotes(setup.paths),
    ...lossNotes(rows)
  ]
  process.stdout.write(`${formatTable(rows)}\n`)
  for (const n of notes) process.stdout.write(`  ${n}\n`)
  process.stdout.write('\n')
  for (const t of targets) process.stdout.write(`${t.verdict.padEnd(4)}  ${t.target}: ${t.detail}\n`)
  const machineAtEnd = { loadAverage1m: loadavg()[0] }
  const resultsPath = await writeResults(join(benchDir, 'results'), startedAt, {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options,
    machine: machineAtStart,
    loadAverage1mAtEnd: machineAtEnd.loadAverage1m,
    paths: setup.paths,
    skipped: setup.skips,
    setupNotes: setup.notes,
    notes,
    aborted,
    workloads: workloads.map(({ name, label, files, bytes }) => ({ name, label, files, bytes })),
    startup,
    runs,
    summary: rows,
    targets
  }, `${formatMarkdown(rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}`)
  process.stdout.write(`\nresults: ${resultsPath} (and .md)\n`)
  const failed = runs.filter((r) => !r.ok).length
  if (aborted) process.stderr.write(`\nBENCH FAILED: received bytes differ from the source.\n${aborted}\n`)
  else if (failed > 0) log(`${failed} run(s) failed; see above and ${resultsPath}`)
  const ferryMissing = setup.skips.some((s) => s.tool === 'ferry')
  return aborted || failed > 0 || ferryMissing ? 1 : 0
}

process.exitCode = await main()
