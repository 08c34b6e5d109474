// Child processes of the bench: spawned with a deadline (inside a network namespace when the path has one), read as
// JSON lines, and killed by their own PID only, with each of their descendants by its own PID.
import { spawn, type ChildProcess } from 'node:child_process'
import { killTree } from './proc-tree.ts'

/** A parsed stdout line: any JSON object with a string `type`. */
export type JsonLine = { type: string } & Record<string, unknown>

export interface ChildExit {
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  /** Spawn to exit, in seconds. */
  seconds: number
  /** The last STDERR_TAIL_BYTES of stderr, for failure reports. */
  stderrTail: string
  spawnError?: string
}

/** Enough stderr to show a stack trace without keeping a chatty child's whole log. */
const STDERR_TAIL_BYTES = 16 * 1024
/** A stdout line longer than this is not one of ours; it is dropped rather than buffered without end. */
const MAX_LINE_BYTES = 1024 * 1024

export function readNumber(line: JsonLine | undefined, key: string): number | undefined {
  const v = line?.[key]
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

export function readString(line: JsonLine | undefined, key: string): string | undefined {
  const v = line?.[key]
  return typeof v === 'string' ? v : undefined
}

/** One child: its last line of each type, a way to wait for a type, and its exit. */
export class BenchChild {
  readonly name: string
  readonly exited: Promise<ChildExit>
  private readonly proc: ChildProcess
  private readonly lastByType = new Map<string, JsonLine>()
  private readonly waiters: { type: string; resolve: (line: JsonLine) => void; reject: (err: Error) => void }[] = []
  private readonly stderrWaiters: { pattern: RegExp; resolve: () => void; reject: (err: Error) => void }[] = []
  private stderrText = ''
  private running = true
  private killTimer: NodeJS.Timeout | undefined
  private timedOut = false

  /** `ip netns exec` replaces itself with the command, so the PID is the command's own. */
  constructor(name: string, command: string, args: readonly string[], options: ChildOptions) {
    this.name = name
    const started = performance.now()
    const [file, argv] = options.ns ? ['ip', ['netns', 'exec', options.ns, command, ...args]] : [command, [...args]]
    this.proc = spawn(file, argv, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    let partial = ''
    this.proc.stdout?.setEncoding('utf8').on('data', (text: string) => {
      const pieces = (partial + text).split('\n')
      partial = pieces.pop() ?? ''
      if (partial.length > MAX_LINE_BYTES) partial = ''
      for (const piece of pieces) this.onLine(piece)
    })
    this.proc.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_TAIL_BYTES)
      this.stderrText = stderr
      for (let i = this.stderrWaiters.length - 1; i >= 0; i--) {
        if (this.stderrWaiters[i].pattern.test(stderr)) this.stderrWaiters.splice(i, 1)[0].resolve()
      }
    })
    this.killAfter(options.timeoutMs)
    let exitSeconds: number | undefined
    this.proc.once('exit', () => {
      exitSeconds = (performance.now() - started) / 1000
    })
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null, spawnError?: string): void => {
        if (!this.running) return
        this.running = false
        clearTimeout(this.killTimer)
        if (partial) this.onLine(partial)
        for (const w of this.waiters.splice(0)) w.reject(new Error(`${name} exited before printing a "${w.type}" line`))
        for (const w of this.stderrWaiters.splice(0)) w.reject(new Error(`${name} exited before logging ${w.pattern}`))
        const seconds = exitSeconds ?? (performance.now() - started) / 1000
        resolve({ code, signal, timedOut: this.timedOut, seconds, stderrTail: stderr, spawnError })
      }
      // 'close' rather than 'exit': by then every stdout line has been read.
      this.proc.once('close', (code, signal) => done(code, signal))
      this.proc.once('error', (err) => done(null, null, err.message))
    })
  }

  get pid(): number | undefined {
    return this.proc.pid
  }

  last(type: string): JsonLine | undefined {
    return this.lastByType.get(type)
  }

  /** The first line of `type` from now on (or already seen); rejects if the child exits first. */
  waitFor(type: string): Promise<JsonLine> {
    const seen = this.lastByType.get(type)
    if (seen) return Promise.resolve(seen)
    if (!this.running) return Promise.reject(new Error(`${this.name} exited before printing a "${type}" line`))
    return new Promise((resolve, reject) => this.waiters.push({ type, resolve, reject }))
  }

  /** Resolves once stderr (its last STDERR_TAIL_BYTES) matches; rejects if the child exits first. */
  waitForStderr(pattern: RegExp): Promise<void> {
    if (pattern.test(this.stderrText)) return Promise.resolve()
    if (!this.running) return Promise.reject(new Error(`${this.name} exited before logging ${pattern}`))
    return new Promise((resolve, reject) => this.stderrWaiters.push({ pattern, resolve, reject }))
  }

  /** Replaces the deadline: the child is killed if it is still running after `ms`. */
  killAfter(ms: number): void {
    clearTimeout(this.killTimer)
    if (!this.running) return // a timer for a child already gone would only hold the bench open
    this.killTimer = setTimeout(() => {
      this.timedOut = true
      this.kill()
    }, ms)
  }

  /** SIGKILL to this child's own PID and to each of its descendants (rsync's ssh, Chromium's processes). */
  kill(): void {
    const pid = this.proc.pid
    if (!this.running || pid === undefined) return
    killTree(pid)
  }

  /** A polite signal (SIGTERM) to this child's own PID, for servers that report their figures as they stop. */
  signal(signal: NodeJS.Signals): void {
    const pid = this.proc.pid
    if (!this.running || pid === undefined) return
    try {
      process.kill(pid, signal)
    } catch {
      // Already gone.
    }
  }

  private onLine(text: string): void {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return // not a JSON line (a stray log line); the figures come only from JSON lines
    }
    if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { type?: unknown }).type !== 'string') return
    const line = parsed as JsonLine
    this.lastByType.set(line.type, line)
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].type === line.type) this.waiters.splice(i, 1)[0].resolve(line)
    }
  }
}

export function exitedCleanly(exit: ChildExit): boolean {
  return exit.code === 0 && !exit.timedOut && exit.spawnError === undefined
}

/** Stderr shown per child in a failure report; the children keep more, this keeps the report readable. */
const REPORT_STDERR_CHARS = 4000

/** One paragraph on how a child ended, with its error line and the tail of its stderr, for a failure report. */
export function describeExit(child: BenchChild, exit: ChildExit | undefined): string {
  if (!exit) return `${child.name}: still running`
  const how = exit.spawnError ? `could not start (${exit.spawnError})`
    : exit.timedOut ? `killed after its deadline (${exit.seconds.toFixed(1)} s)`
    : exit.signal ? `killed by ${exit.signal}`
    : `exit code ${exit.code}`
  const errorLine = child.last('error')
  const reported = errorLine ? ` error ${readString(errorLine, 'code')}: ${readString(errorLine, 'message')}` : ''
  const stderr = exit.stderrTail.trim().slice(-REPORT_STDERR_CHARS)
  return `${child.name}: ${how}.${reported}${stderr ? `\n  stderr: ${stderr.replaceAll('\n', '\n  ')}` : ''}`
}

export interface ChildOptions {
  /** Killed (with its descendants) when this passes. */
  timeoutMs: number
  /** Network namespace to run in; undefined: this one. */
  ns?: string
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/** The children of this bench run, so an interrupt can kill each of them by PID. */
export class ChildSet {
  private readonly live = new Set<BenchChild>()
  private readonly cwd: string

  constructor(cwd: string) {
    this.cwd = cwd
  }

  /** A Node script (this Node, so the same version as the bench). */
  spawnNode(name: string, args: readonly string[], options: ChildOptions): BenchChild {
    return this.spawn(name, process.execPath, args, options)
  }

  spawn(name: string, command: string, args: readonly string[], options: ChildOptions): BenchChild {
    const child = new BenchChild(name, command, args, { cwd: this.cwd, ...options })
    this.live.add(child)
    void child.exited.then(() => this.live.delete(child))
    return child
  }

  killAll(): void {
    for (const child of this.live) child.kill()
  }
}
