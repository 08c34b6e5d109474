// What every tool's runner is given for one repetition, and the pieces they share: a fresh result, and the figures
// of one side (its process tree from /proc, plus the tool's own `stats` line where it prints one).
import type { BenchChild, ChildSet, JsonLine } from './child.ts'
import { readNumber } from './child.ts'
import { ProcTreeMonitor, type TreeFigures } from './proc-tree.ts'
import type { NetPath, RunResult, SideStats, Tool, Workload } from './types.ts'
import type { SourceDigest } from './verify.ts'

export interface RunContext {
  children: ChildSet
  workload: Workload
  digest: SourceDigest
  path: NetPath
  repetition: number
  timeoutMs: number
  /** A fresh folder for this run (receive folder, configs, keys); the caller removes it afterwards. */
  runDir: string
}

/** One tool: how to run one repetition. Any VerifyError it throws stops the bench (a wrong copy is no result). */
export interface ToolRunner {
  tool: Tool
  run(ctx: RunContext): Promise<RunResult>
}

export function newResult(ctx: RunContext, tool: Tool): RunResult {
  return { workload: ctx.workload.name, path: ctx.path.name, tool, repetition: ctx.repetition, ok: false, files: ctx.workload.files, bytes: ctx.workload.bytes }
}

export function describeRunName(ctx: RunContext, tool: Tool): string {
  return `${tool} ${ctx.workload.name} ${ctx.path.name} #${ctx.repetition}`
}

/** Starts sampling a child's process tree; undefined if it never got a PID (it failed to spawn). */
export function watchSide(child: BenchChild, options: { excludeRoot?: boolean } = {}): ProcTreeMonitor | undefined {
  return child.pid === undefined ? undefined : new ProcTreeMonitor(child.pid, options)
}

/** A side's figures: CPU from /proc; peak memory from the process's own stats line if it printed one, else /proc. */
export function sideStats(figures: TreeFigures | undefined, statsLine?: JsonLine): SideStats {
  const ownRss = readNumber(statsLine, 'maxRssBytes')
  const loop = readNumber(statsLine, 'eventLoopDelayP99Ms')
  const sampled = figures?.peakMemoryBytes
  // A Node side is one process: its own maxRSS is exact, the samples can only miss a peak between them.
  const maxRssBytes = ownRss !== undefined && (figures?.processes ?? 1) <= 1 ? Math.max(ownRss, sampled ?? 0) : sampled ?? ownRss
  return {
    cpuSeconds: figures?.cpuSeconds,
    maxRssBytes,
    ...(figures && figures.processes > 1 ? { rssSumBytes: figures.peakRssSumBytes, processes: figures.processes } : {}),
    ...(loop === undefined ? {} : { eventLoopDelayP99Ms: loop })
  }
}
