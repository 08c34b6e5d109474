// Turns run results into the printed table (and the same table in Markdown, for the README), and writes the JSON
// results file. The PASS/MISS lines for the issues' targets are in targets.ts.
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, loadavg, release, totalmem } from 'node:os'
import { join } from 'node:path'
import { summarize, type Summary } from './stats.ts'
import type { NetPath, PathName, RunResult, Skip, Tool, Workload } from './types.ts'

export const MB = 1e6

export type MetricKey = 'mbps' | 'filesPerSecond' | 'ttfbMs' | 'senderCpuS' | 'receiverCpuS' | 'senderRssMB' | 'receiverRssMB'
  | 'senderCores' | 'receiverCores' | 'mbpsReported' | 'senderLoopP99Ms' | 'receiverLoopP99Ms' | 'linkUnitKB' | 'linkDroppedPct'

interface Metric {
  key: MetricKey
  title: string
  digits: number
  /** Shown in the table; the others are in the JSON and the target lines only. */
  shown: boolean
  of: (r: RunResult) => number | undefined
}

const perSecond = (n: number, s: number | undefined): number | undefined => (s ? n / s : undefined)

export const METRICS: readonly Metric[] = [
  { key: 'mbps', title: 'MB/s', digits: 1, shown: true, of: (r) => perSecond(r.bytes / MB, r.wallSeconds) },
  { key: 'filesPerSecond', title: 'files/s', digits: 0, shown: true, of: (r) => (r.workload === 'big' ? undefined : perSecond(r.files, r.wallSeconds)) },
  { key: 'ttfbMs', title: 'TTFB ms', digits: 0, shown: true, of: (r) => r.ttfbMs },
  { key: 'senderCpuS', title: 'CPU s send', digits: 2, shown: true, of: (r) => r.sender?.cpuSeconds },
  { key: 'receiverCpuS', title: 'CPU s recv', digits: 2, shown: true, of: (r) => r.receiver?.cpuSeconds },
  { key: 'senderRssMB', title: 'RSS MB send', digits: 0, shown: true, of: (r) => (r.sender?.maxRssBytes === undefined ? undefined : r.sender.maxRssBytes / MB) },
  { key: 'receiverRssMB', title: 'RSS MB recv', digits: 0, shown: true, of: (r) => (r.receiver?.maxRssBytes === undefined ? undefined : r.receiver.maxRssBytes / MB) },
  { key: 'senderCores', title: 'cores send', digits: 2, shown: false, of: (r) => perSecond(r.sender?.cpuSeconds ?? NaN, r.wallSeconds) },
  { key: 'receiverCores', title: 'cores recv', digits: 2, shown: false, of: (r) => perSecond(r.receiver?.cpuSeconds ?? NaN, r.wallSeconds) },
  { key: 'mbpsReported', title: 'MB/s (own clock)', digits: 1, shown: false, of: (r) => perSecond(r.bytes / MB, r.reportedSeconds) },
  { key: 'senderLoopP99Ms', title: 'send loop p99 ms', digits: 1, shown: false, of: (r) => r.sender?.eventLoopDelayP99Ms },
  { key: 'receiverLoopP99Ms', title: 'recv loop p99 ms', digits: 1, shown: false, of: (r) => r.receiver?.eventLoopDelayP99Ms },
  { key: 'linkUnitKB', title: 'mean unit KB', digits: 1, shown: false, of: (r) => (r.link && r.link.units > 0 ? r.link.bytes / r.link.units / 1e3 : undefined) },
  { key: 'linkDroppedPct', title: 'dropped %', digits: 2, shown: false, of: (r) => (r.link && r.link.units > 0 ? (100 * r.link.dropped) / r.link.units : undefined) }
]

export interface SummaryRow {
  workload: Workload['name']
  label: string
  path: PathName
  tool: Tool
  runs: number
  ok: number
  skipped?: string
  metrics: Partial<Record<MetricKey, Summary>>
}

export function summarizeRuns(workloads: readonly Workload[], paths: readonly PathName[], tools: readonly Tool[], runs: readonly RunResult[], skips: readonly Skip[]): SummaryRow[] {
  const rows: SummaryRow[] = []
  for (const w of workloads) {
    for (const path of paths) {
      for (const tool of tools) {
        const mine = runs.filter((r) => r.workload === w.name && r.path === path && r.tool === tool)
        const ok = mine.filter((r) => r.ok)
        const metrics: SummaryRow['metrics'] = {}
        for (const m of METRICS) {
          const s = summarize(ok.map(m.of))
          if (s) metrics[m.key] = s
        }
        const skip = skips.find((s) => s.tool === tool && s.path === path)
        rows.push({ workload: w.name, label: w.label, path, tool, runs: mine.length, ok: ok.length, ...(skip ? { skipped: skip.reason } : {}), metrics })
      }
    }
  }
  return rows
}

function cell(s: Summary | undefined, digits: number): string {
  if (!s) return '-'
  const f = (x: number): string => x.toFixed(digits)
  return s.n === 1 ? f(s.median) : `${f(s.median)} [${f(s.min)}-${f(s.max)}]`
}

function vsTcp(rows: readonly SummaryRow[], row: SummaryRow): string {
  const tcp = rows.find((r) => r.workload === row.workload && r.path === row.path && r.tool === 'tcp')?.metrics.mbps
  const mine = row.metrics.mbps
  return mine && tcp && tcp.median > 0 ? (mine.median / tcp.median).toFixed(2) : '-'
}

const SHOWN = METRICS.filter((m) => m.shown)
const HEADER = ['workload', 'path', 'tool', 'ok', ...SHOWN.map((m) => m.title), 'x TCP']

function cells(rows: readonly SummaryRow[], row: SummaryRow): string[] {
  if (row.skipped !== undefined) return ['skip', `skipped: ${row.skipped}`]
  return [`${row.ok}/${row.runs}`, ...SHOWN.map((m) => cell(row.metrics[m.key], m.digits)), vsTcp(rows, row)]
}

/** Aligned text: one row per workload, path and tool, each figure "median [min-max]"; a skipped row says why. */
export function formatTable(rows: readonly SummaryRow[]): string {
  const lines: string[][] = [HEADER]
  let previous: SummaryRow | undefined
  for (const row of rows) {
    const sameWorkload = previous?.workload === row.workload
    lines.push([sameWorkload ? '' : row.label, sameWorkload && previous?.path === row.path ? '' : row.path, row.tool, ...cells(rows, row)])
    previous = row
  }
  // A skip reason (the last cell of a short row) runs on past the columns instead of widening them.
  const widths = HEADER.map((_, i) => Math.max(...lines.filter((l) => l.length === HEADER.length || i < l.length - 1).map((l) => l[i].length)))
  return lines.map((l) => l.map((c, i) => {
    if (l.length !== HEADER.length && i === l.length - 1) return c
    return i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i])
  }).join('  ').trimEnd()).join('\n')
}

/** The same table in Markdown, for the README. */
export function formatMarkdown(rows: readonly SummaryRow[]): string {
  const out = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map((_, i) => (i < 3 ? '---' : '---:')).join('|')}|`]
  for (const row of rows) {
    const c = cells(rows, row)
    const rest = c.length === 2 ? [c[0], c[1], ...Array<string>(HEADER.length - 5).fill('')] : c
    out.push(`| ${[row.label, row.path, row.tool, ...rest].join(' | ')} |`)
  }
  return out.join('\n')
}

/** On the loss path, per workload: each tool's mean unit size over the veth and the share of units dropped. */
export function lossNotes(rows: readonly SummaryRow[]): string[] {
  const notes: string[] = []
  for (const label of new Set(rows.map((r) => r.label))) {
    const parts = rows.filter((r) => r.label === label && r.path === 'loss' && r.metrics.linkUnitKB)
      .map((r) => `${r.tool} ${r.metrics.linkUnitKB?.median.toFixed(1)} KB ${r.metrics.linkDroppedPct?.median.toFixed(2)} %`)
    if (parts.length > 0) notes.push(`loss path, ${label}: mean unit over the veth (both ways) and units dropped: ${parts.join(', ')}`)
  }
  return notes
}

/** What each path was, and what it could not do (the delay without netem), for under the table. */
export function pathNotes(paths: readonly NetPath[]): string[] {
  return paths.map((p) => `${p.name}: ${p.description}`)
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

/** Writes bench/results/<ISO timestamp>.json and .md (git-ignored) and returns the JSON file's path. */
export async function writeResults(resultsDir: string, startedAt: Date, data: Record<string, unknown>, markdown: string): Promise<string> {
  await mkdir(resultsDir, { recursive: true })
  const base = join(resultsDir, startedAt.toISOString().replaceAll(':', '-'))
  await writeFile(`${base}.json`, `${JSON.stringify(data, null, 2)}\n`)
  await writeFile(`${base}.md`, `${markdown}\n`)
  return `${base}.json`
}
