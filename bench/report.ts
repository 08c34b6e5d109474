// Turns run results into the printed table, the PASS/MISS lines for the targets, and the JSON results file.
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, loadavg, release, totalmem } from 'node:os'
import { join } from 'node:path'
import { summarize, type Summary } from './stats.ts'
import type { RunResult, Tool, Workload } from './types.ts'

const MB = 1e6
/** The targets, at full scale. */
export const TARGETS = { bigMBps: 112, manyFilesPerSecond: 1500, senderPeakRssMB: 200 }

type MetricKey = 'mbpsWall' | 'mbpsReported' | 'filesPerSecond' | 'filesPerSecondReported' | 'senderRssMB' | 'receiverRssMB' | 'senderLoopP99Ms' | 'receiverLoopP99Ms'

const METRICS: readonly { key: MetricKey; title: string; digits: number; of: (r: RunResult) => number | undefined }[] = [
  { key: 'mbpsWall', title: 'MB/s (wall)', digits: 1, of: (r) => (r.wallSeconds ? r.bytes / MB / r.wallSeconds : undefined) },
  { key: 'mbpsReported', title: 'MB/s (sender)', digits: 1, of: (r) => (r.reportedSeconds ? r.bytes / MB / r.reportedSeconds : undefined) },
  { key: 'filesPerSecond', title: 'files/s (wall)', digits: 0, of: (r) => (r.workload === 'many' && r.wallSeconds ? r.files / r.wallSeconds : undefined) },
  { key: 'filesPerSecondReported', title: 'files/s (sender)', digits: 0, of: (r) => (r.workload === 'many' && r.reportedSeconds ? r.files / r.reportedSeconds : undefined) },
  { key: 'senderRssMB', title: 'send RSS MB', digits: 0, of: (r) => (r.sender ? r.sender.maxRssBytes / MB : undefined) },
  { key: 'receiverRssMB', title: 'recv RSS MB', digits: 0, of: (r) => (r.receiver ? r.receiver.maxRssBytes / MB : undefined) },
  { key: 'senderLoopP99Ms', title: 'send loop p99 ms', digits: 1, of: (r) => r.sender?.eventLoopDelayP99Ms },
  { key: 'receiverLoopP99Ms', title: 'recv loop p99 ms', digits: 1, of: (r) => r.receiver?.eventLoopDelayP99Ms }
]

export interface SummaryRow {
  workload: Workload['name']
  label: string
  tool: Tool
  runs: number
  ok: number
  metrics: Partial<Record<MetricKey, Summary>>
}

export function summarizeRuns(workloads: readonly Workload[], tools: readonly Tool[], runs: readonly RunResult[]): SummaryRow[] {
  const rows: SummaryRow[] = []
  for (const w of workloads) {
    for (const tool of tools) {
      const mine = runs.filter((r) => r.workload === w.name && r.tool === tool)
      const ok = mine.filter((r) => r.ok)
      const metrics: SummaryRow['metrics'] = {}
      for (const m of METRICS) {
        const s = summarize(ok.map(m.of))
        if (s) metrics[m.key] = s
      }
      rows.push({ workload: w.name, label: w.label, tool, runs: mine.length, ok: ok.length, metrics })
    }
  }
  return rows
}

function cell(s: Summary | undefined, digits: number): string {
  if (!s) return '-'
  const f = (x: number): string => x.toFixed(digits)
  return s.n === 1 ? f(s.median) : `${f(s.median)} [${f(s.min)}-${f(s.max)}]`
}

function ratio(a: Summary | undefined, b: Summary | undefined): string {
  return a && b && b.median > 0 ? (a.median / b.median).toFixed(2) : '-'
}

/** Aligned text: one row per workload and tool with "median [min-max]", then the Ferry/TCP ratio of the medians. */
export function formatTable(rows: readonly SummaryRow[]): string {
  const header = ['workload', 'tool', 'ok', ...METRICS.map((m) => m.title)]
  const lines: string[][] = [header]
  let previous = ''
  for (const row of rows) {
    const label = row.label === previous ? '' : row.label
    previous = row.label
    lines.push([label, row.tool, `${row.ok}/${row.runs}`, ...METRICS.map((m) => cell(row.metrics[m.key], m.digits))])
    const ferry = rows.find((r) => r.workload === row.workload && r.tool === 'ferry')
    const tcp = rows.find((r) => r.workload === row.workload && r.tool === 'tcp')
    if (ferry && tcp && row === rows.filter((r) => r.workload === row.workload).at(-1)) {
      lines.push(['', 'ferry/tcp', '', ...METRICS.map((m) => ratio(ferry.metrics[m.key], tcp.metrics[m.key]))])
    }
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)))
  return lines.map((l) => l.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd()).join('\n')
}

export interface TargetCheck {
  target: string
  verdict: 'PASS' | 'MISS' | 'SKIP'
  detail: string
}

/** Verdicts use the wall time (spawn to exit), the stricter figure; the sender's own figure is shown beside it. */
export function checkTargets(rows: readonly SummaryRow[], runs: readonly RunResult[], scale: number): TargetCheck[] {
  const ferry = (w: Workload['name']): SummaryRow | undefined => rows.find((r) => r.workload === w && r.tool === 'ferry')
  const atScale = scale === 1 ? '' : ` (at scale ${scale}; the targets are for scale 1)`
  const checks: TargetCheck[] = []
  const big = ferry('big')
  const bigWall = big?.metrics.mbpsWall
  checks.push(!big ? { target: `1 GiB >= ${TARGETS.bigMBps} MB/s`, verdict: 'SKIP', detail: 'not run' }
    : {
        target: `1 GiB >= ${TARGETS.bigMBps} MB/s`,
        verdict: bigWall && bigWall.median >= TARGETS.bigMBps ? 'PASS' : 'MISS',
        detail: bigWall
          ? `median ${bigWall.median.toFixed(1)} MB/s wall, ${big.metrics.mbpsReported?.median.toFixed(1) ?? '-'} MB/s by the sender's own time${atScale}`
          : 'no successful run'
      })
  const many = ferry('many')
  const manyRate = many?.metrics.filesPerSecond
  checks.push(!many ? { target: `10,000 files >= ${TARGETS.manyFilesPerSecond} files/s`, verdict: 'SKIP', detail: 'not run' }
    : {
        target: `10,000 files >= ${TARGETS.manyFilesPerSecond} files/s`,
        verdict: manyRate && manyRate.median >= TARGETS.manyFilesPerSecond ? 'PASS' : 'MISS',
        detail: manyRate
          ? `median ${manyRate.median.toFixed(0)} files/s wall, ${many.metrics.filesPerSecondReported?.median.toFixed(0) ?? '-'} files/s by the sender's own time${atScale}`
          : 'no successful run'
      })
  const rss = runs.filter((r) => r.tool === 'ferry' && r.ok && r.sender).map((r) => (r.sender?.maxRssBytes ?? 0) / MB)
  const peak = rss.length > 0 ? Math.max(...rss) : undefined
  checks.push(!big && !many ? { target: `sender peak RSS <= ${TARGETS.senderPeakRssMB} MB`, verdict: 'SKIP', detail: 'not run' }
    : {
        target: `sender peak RSS <= ${TARGETS.senderPeakRssMB} MB`,
        verdict: peak !== undefined && peak <= TARGETS.senderPeakRssMB ? 'PASS' : 'MISS',
        detail: peak !== undefined ? `highest ${peak.toFixed(1)} MB over ${rss.length} Ferry run(s)${atScale}` : 'no stats line from any Ferry sender'
      })
  return checks
}

export interface MachineInfo {
  cpus: number
  cpuModel: string
  totalMemoryBytes: number
  node: string
  platform: string
  arch: string
  osRelease: string
  loadAverage1m: number
}

export function machineInfo(): MachineInfo {
  const cpu = cpus()
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    totalMemoryBytes: totalmem(),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    osRelease: release(),
    // Other work on the machine skews every figure; the load average says how much there was.
    loadAverage1m: loadavg()[0]
  }
}

/** Writes bench/results/<ISO timestamp>.json (git-ignored) and returns its path. */
export async function writeResults(resultsDir: string, startedAt: Date, data: Record<string, unknown>): Promise<string> {
  await mkdir(resultsDir, { recursive: true })
  const path = join(resultsDir, `${startedAt.toISOString().replaceAll(':', '-')}.json`)
  await writeFile(path, `${JSON.stringify(data, null, 2)}\n`)
  return path
}
