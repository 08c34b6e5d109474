// Bench options from the environment, overridden by flags:
//   FERRY_BENCH_SCALE / --scale        shrink every workload (0 < scale <= 1; default 1: 4 GiB, 10,000 files, 2 GiB)
//   FERRY_BENCH_REPEAT / --repeat      repetitions per tool, workload and path (default 3)
//   FERRY_BENCH_ONLY / --only          tools, comma-separated: ferry,tcp,rsync,scp,browser-download,browser-upload,
//                                      localsend-to,localsend-from
//   FERRY_BENCH_WORKLOADS / --workload big,many,mixed (default all three)
//   FERRY_BENCH_PATHS / --path         loopback,netns,loss (default all three; netns and loss need root)
//   FERRY_BENCH_TIMEOUT_S / --timeout  per-run deadline in seconds (default 900 s x scale, at least 90 s)
import { parseArgs } from 'node:util'
import { ALL_PATHS, ALL_TOOLS, ALL_WORKLOADS, type PathName, type Tool, type WorkloadName } from './types.ts'

export interface BenchOptions {
  scale: number
  repeat: number
  tools: Tool[]
  workloads: WorkloadName[]
  paths: PathName[]
  /** Deadline of each run; every process of the run is killed by PID when it passes. */
  runTimeoutMs: number
}

const DEFAULT_REPEAT = 3
const MAX_REPEAT = 50
/**
 * A full-scale run (4 GiB over a 1 Gbit/s link with 1 % loss, or through a browser) gets fifteen minutes; smaller
 * scales get proportionally less, but never under a minute and a half (process and browser start-up).
 */
const FULL_SCALE_TIMEOUT_MS = 900_000
const MIN_TIMEOUT_MS = 90_000

export const USAGE = 'usage: node bench/run.ts [--scale 0.05] [--repeat 3] [--only ferry,tcp,rsync,scp,browser-download,browser-upload,localsend-to,localsend-from]\n' +
  '                          [--workload big,many,mixed] [--path loopback,netns,loss] [--timeout seconds]'

function pick<T extends string>(raw: string | undefined, allowed: readonly T[], what: string): T[] {
  if (raw === undefined || raw === '') return [...allowed]
  const picked = raw.split(',').map((s) => s.trim())
  for (const p of picked) if (!(allowed as readonly string[]).includes(p)) throw new Error(`unknown ${what} "${p}" (one of ${allowed.join(', ')})`)
  return allowed.filter((a) => picked.includes(a))
}

function positiveNumber(raw: string | undefined, what: string, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new Error(`${what} must be a number in (0, ${max}], got "${raw}"`)
  return n
}

export function readOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      scale: { type: 'string' },
      repeat: { type: 'string' },
      only: { type: 'string' },
      workload: { type: 'string' },
      path: { type: 'string' },
      timeout: { type: 'string' }
    }
  })
  const scale = positiveNumber(values.scale ?? env.FERRY_BENCH_SCALE, 'scale', 1, 1)
  const repeat = positiveNumber(values.repeat ?? env.FERRY_BENCH_REPEAT, 'repeat', DEFAULT_REPEAT, MAX_REPEAT)
  if (!Number.isInteger(repeat)) throw new Error(`repeat must be a whole number, got ${repeat}`)
  const timeoutRaw = values.timeout ?? env.FERRY_BENCH_TIMEOUT_S
  return {
    scale,
    repeat,
    tools: pick(values.only ?? env.FERRY_BENCH_ONLY, ALL_TOOLS, 'tool'),
    workloads: pick(values.workload ?? env.FERRY_BENCH_WORKLOADS, ALL_WORKLOADS, 'workload'),
    paths: pick(values.path ?? env.FERRY_BENCH_PATHS, ALL_PATHS, 'path'),
    runTimeoutMs: timeoutRaw
      ? positiveNumber(timeoutRaw, 'timeout', 0, 3600) * 1000
      : Math.max(MIN_TIMEOUT_MS, FULL_SCALE_TIMEOUT_MS * scale)
  }
}
