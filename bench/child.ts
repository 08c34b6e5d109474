// Child processes of the bench: spawned with a deadline, read as JSON lines, and killed by their own PID only.
import { spawn, type ChildProcess } from 'node:child_process'

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
  private running = true
  private killTimer: NodeJS.Timeout | undefined
  private timedOut = false

  constructor(name: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number, cwd: string) {
    this.name = name
    const started = performance.now()
    this.proc = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
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
    })
    this.killAfter(timeoutMs)
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

  /** Replaces the deadline: the child is killed if it is still running after `ms`. */
  killAfter(ms: number): void {
    clearTimeout(this.killTimer)
    if (!this.running) return // a timer for a child already gone would only hold the bench open
    this.killTimer = setTimeout(() => {
      this.timedOut = true
      this.kill()
    }, ms)
  }

  /** SIGKILL to this child's own PID; nothing else is ever signalled. */
  kill(): void {
    const pid = this.proc.pid
    if (!this.running || pid === undefined) return
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Already gone between the check and the signal.
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

/** The children of this bench run, so an interrupt can kill each of them by PID. */
export class ChildSet {
  private readonly live = new Set<BenchChild>()
  private readonly cwd: string

  constructor(cwd: string) {
    this.cwd = cwd
  }

  spawn(name: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): BenchChild {
    const child = new BenchChild(name, args, env, timeoutMs, this.cwd)
    this.live.add(child)
    void child.exited.then(() => this.live.delete(child))
    return child
  }

  killAll(): void {
    for (const child of this.live) child.kill()
  }
}
