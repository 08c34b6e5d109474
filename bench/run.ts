// `pnpm bench`: Ferry end to end between two real processes on 127.0.0.1, beside a plain TCP copy of the same bytes.
// Workloads: one 1 GiB file and 10,000 files of 4 KiB (FERRY_BENCH_SCALE shrinks both). Every run is verified
// byte for byte, has a deadline, and kills only the children it started. See options.ts for the knobs.
// Progress goes to stderr; the table and the target lines go to stdout; everything goes to bench/results/*.json.
import { existsSync, rmSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ChildSet } from './child.ts'
import { USAGE, readOptions, type BenchOptions } from './options.ts'
import { runPair } from './pair-run.ts'
import { checkTargets, formatTable, machineInfo, summarizeRuns, writeResults } from './report.ts'
import { ferrySpec, tcpSpec, type ToolSpec } from './tools.ts'
import type { RunResult, Workload, WorkloadName } from './types.ts'
import { VerifyError, digestTree } from './verify.ts'
import { generateBigFile, generateManyFiles } from './workloads.ts'

const benchDir = dirname(fileURLToPath(import.meta.url))
const repoRoot = dirname(benchDir)
const cliMain = join(repoRoot, 'apps', 'cli', 'src', 'main.ts')
const MB = 1e6

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`)
}

function describeRun(w: Workload, r: RunResult): string {
  const head = `${w.label} ${r.tool} #${r.repetition}`
  if (!r.ok) return `${head}: FAILED\n${r.error ?? ''}`
  const secs = r.wallSeconds ?? 0
  const rate = w.name === 'many' ? `${(r.files / secs).toFixed(0)} files/s` : `${(r.bytes / MB / secs).toFixed(1)} MB/s`
  const rss = r.sender ? `, sender RSS ${(r.sender.maxRssBytes / MB).toFixed(0)} MB` : ''
  const warnings = r.warnings ? `; warning: ${r.warnings.join('; ')}` : ''
  return `${head}: ${secs.toFixed(2)} s wall, ${rate}${rss}, verified${warnings}`
}

async function generate(name: WorkloadName, dir: string, scale: number): Promise<Workload> {
  return name === 'big' ? generateBigFile(dir, scale) : generateManyFiles(dir, scale)
}

async function runAll(options: BenchOptions, specs: readonly ToolSpec[], tempRoot: string, children: ChildSet, workloads: Workload[], runs: RunResult[]): Promise<void> {
  for (const name of options.workloads) {
    const sourceDir = join(tempRoot, `source-${name}`)
    await mkdir(sourceDir)
    let started = performance.now()
    const workload = await generate(name, sourceDir, options.scale)
    workloads.push(workload)
    log(`generated ${workload.label}: ${workload.files} file(s), ${workload.bytes} bytes in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    started = performance.now()
    const digest = await digestTree(workload.sourcePath)
    log(`hashed the source in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    for (let repetition = 1; repetition <= options.repeat; repetition++) {
      // Alternate which tool goes first, so neither always meets a warmer or colder page cache.
      const order = repetition % 2 === 1 ? specs : [...specs].reverse()
      for (const spec of order) {
        const result = await runPair({ children, spec, workload, digest, repetition, timeoutMs: options.runTimeoutMs, tempRoot })
        runs.push(result)
        log(describeRun(workload, result))
      }
    }
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
  const specs: ToolSpec[] = []
  const skipped: string[] = []
  if (options.tools.includes('ferry')) {
    if (existsSync(cliMain)) specs.push(ferrySpec(cliMain))
    else skipped.push(`ferry: ${cliMain} not found`)
  }
  if (options.tools.includes('tcp')) specs.push(tcpSpec(join(benchDir, 'tcp-baseline.ts')))
  for (const s of skipped) log(`skipping ${s}`)
  if (specs.length === 0) return 1

  const tempRoot = await mkdtemp(join(tmpdir(), 'ferry-bench-'))
  const children = new ChildSet(repoRoot)
  // On Ctrl-C or a kill, the finally below would never run: kill our children by PID and remove the temp folder here.
  const onSignal = (signal: NodeJS.Signals): void => {
    children.killAll()
    try {
      // Retries: a child killed a moment ago may still be closing a file in there.
      rmSync(tempRoot, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
      log(`interrupted by ${signal}; children killed, ${tempRoot} removed`)
    } catch (err) {
      log(`interrupted by ${signal}; children killed, but ${tempRoot} could not be removed: ${String(err)}`)
    }
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  if (machineAtStart.loadAverage1m >= machineAtStart.cpus / 2) {
    log(`load average ${machineAtStart.loadAverage1m.toFixed(1)} on ${machineAtStart.cpus} CPUs: other work will skew the figures`)
  }
  log(`scale ${options.scale}, ${options.repeat} repetition(s), tools ${specs.map((s) => s.tool).join(' + ')}, run deadline ${options.runTimeoutMs / 1000} s, temp ${tempRoot}`)

  const workloads: Workload[] = []
  const runs: RunResult[] = []
  let aborted: string | undefined
  try {
    await runAll(options, specs, tempRoot, children, workloads, runs)
  } catch (err) {
    if (!(err instanceof VerifyError)) throw err
    aborted = err.message
  } finally {
    children.killAll()
    await rm(tempRoot, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }

  const tools = specs.map((s) => s.tool)
  const rows = summarizeRuns(workloads, tools, runs)
  const targets = checkTargets(rows, runs, options.scale)
  process.stdout.write(`${formatTable(rows)}\n`)
  process.stdout.write('median [min-max]; MB = 1e6 bytes; wall = sender spawn to exit; loop p99 includes the 10 ms sampling interval\n\n')
  for (const t of targets) process.stdout.write(`${t.verdict.padEnd(4)}  ${t.target}: ${t.detail}\n`)
  const resultsPath = await writeResults(join(benchDir, 'results'), startedAt, {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options,
    machine: machineAtStart,
    loadAverage1mAtEnd: loadavg()[0],
    skipped,
    aborted,
    workloads: workloads.map(({ name, label, files, bytes }) => ({ name, label, files, bytes })),
    runs,
    summary: rows,
    targets
  })
  process.stdout.write(`\nresults: ${resultsPath}\n`)
  const failed = runs.filter((r) => !r.ok).length
  if (aborted) process.stderr.write(`\nBENCH FAILED: received bytes differ from the source.\n${aborted}\n`)
  else if (failed > 0) log(`${failed} run(s) failed; see above and ${resultsPath}`)
  return aborted || failed > 0 || skipped.length > 0 ? 1 : 0
}

process.exitCode = await main()
