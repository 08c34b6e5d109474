// How long `ferry --version` takes from process start to exit, against a bare `node -e 0` on the same Node, taken
// in turns (A B A B ...) after one warm-up each, so a drift of the machine's speed touches both. Issue 17's target:
// within 2.5x. The warm-up also fills Node's compile cache, as any earlier run of `ferry` on a user's machine does.
import { spawnSync } from 'node:child_process'
import { summarize, type Summary } from './stats.ts'

/** Timed runs of each command. */
export const STARTUP_RUNS = 10
/** Longest one run may take before the measurement gives up, in ms. */
const RUN_TIMEOUT_MS = 30_000

export interface StartupResult {
  runs: number
  /** Wall ms of `node FERRY --version`. */
  ferryMs: Summary
  /** Wall ms of `node -e 0`. */
  nodeMs: Summary
  /** Ferry over node, run pair by run pair. */
  ratio: Summary
}

function timeRun(args: string[]): number {
  const started = performance.now()
  const result = spawnSync(process.execPath, args, { stdio: 'ignore', timeout: RUN_TIMEOUT_MS })
  const ms = performance.now() - started
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status ?? result.signal}`)
  return ms
}

export function measureStartup(cliMain: string, runs = STARTUP_RUNS): StartupResult {
  const ferry = [cliMain, '--version']
  const node = ['-e', '0']
  timeRun(ferry)
  timeRun(node)
  const ferryMs: number[] = []
  const nodeMs: number[] = []
  for (let i = 0; i < runs; i++) {
    ferryMs.push(timeRun(ferry))
    nodeMs.push(timeRun(node))
  }
  const ratios = ferryMs.map((ms, i) => ms / (nodeMs[i] as number))
  const summary = (xs: number[]): Summary => summarize(xs) as Summary
  return { runs, ferryMs: summary(ferryMs), nodeMs: summary(nodeMs), ratio: summary(ratios) }
}
