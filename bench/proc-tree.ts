// CPU seconds and peak memory of one side of a run, read from /proc for a process and all its descendants: the
// same measurement for a Node CLI, rsync with its ssh, an sshd with its session processes, or Chromium's processes.
//
// CPU of a tree at an instant = the sum, over its live processes, of utime + stime + cutime + cstime. A process that
// exits is reaped by its parent, whose cutime/cstime then holds all of it, so every process is counted once and
// short-lived ones between two samples are not lost. What is lost is the last interval (INTERVAL_MS) of a root that
// exits, because its reaper is the bench: at most 0.05 s of CPU per run and side.
// Memory: for one process, its peak RSS over the samples. For several, summing RSS would count every shared page
// (Chromium's, above all) once per process, so the figure is the peak of their summed PSS (each shared page split
// between the processes sharing it), read less often because smaps_rollup costs a page-table walk.
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'

const INTERVAL_MS = 50
/** How often PSS is read for a tree of several processes (about 3 ms per Chromium process per read). */
const PSS_INTERVAL_MS = 500
/** How often the whole of /proc is listed to find descendants forked by other threads; members are read every INTERVAL_MS. */
const RESCAN_MS = 500

function getconf(name: string, fallback: number): number {
  try {
    const n = Number(execFileSync('getconf', [name], { encoding: 'utf8', timeout: 10_000 }).trim())
    return Number.isFinite(n) && n > 0 ? n : fallback
  } catch {
    return fallback
  }
}

const CLOCK_TICKS = getconf('CLK_TCK', 100)
const PAGE_BYTES = getconf('PAGESIZE', 4096)

interface ProcStat {
  pid: number
  ppid: number
  /** Distinguishes a reused PID from the process we meant. */
  startTime: string
  /** utime + stime of the process, in ticks. */
  ownTicks: number
  /** cutime + cstime: its reaped descendants, in ticks. */
  childTicks: number
  rssBytes: number
}

function readStat(pid: number): ProcStat | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined // gone
  }
  // The command name (field 2) may hold spaces and parentheses; every later field follows the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ')
  // f[0] is field 3 (state); field n is f[n - 3].
  return {
    pid,
    ppid: Number(f[1]),
    startTime: f[19] ?? '',
    ownTicks: Number(f[11]) + Number(f[12]),
    childTicks: Number(f[13]) + Number(f[14]),
    rssBytes: Number(f[21]) * PAGE_BYTES
  }
}

function mainThreadChildren(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter((x) => x !== '').map(Number)
  } catch {
    return [] // gone, or a kernel without CONFIG_PROC_CHILDREN: the full scan still finds them
  }
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const s = readStat(Number(name))
    if (s) out.push(s)
  }
  return out
}

/** Every live descendant of `root` (not root itself), found by walking parent links over all of /proc. */
export function descendantsOf(root: number): ProcStat[] {
  const byParent = new Map<number, ProcStat[]>()
  for (const s of allStats()) {
    const list = byParent.get(s.ppid)
    if (list) list.push(s)
    else byParent.set(s.ppid, [s])
  }
  const out: ProcStat[] = []
  const queue = [root]
  while (queue.length > 0) {
    const pid = queue.shift() as number
    for (const child of byParent.get(pid) ?? []) {
      out.push(child)
      queue.push(child.pid)
    }
  }
  return out
}

/** SIGKILL to `root` and to each of its descendants, each by its own PID; nothing else is signalled. */
export function killTree(root: number): void {
  let members: ProcStat[] = []
  try {
    members = descendantsOf(root)
  } catch {
    // /proc unreadable: the root alone is still killed below.
  }
  for (const pid of [root, ...members.map((m) => m.pid)]) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
}

/** Read off the event loop (the kernel walks the page tables, milliseconds for a large process). */
async function readPssBytes(pid: number): Promise<number> {
  try {
    const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8')
    return Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0) * 1024
  } catch {
    return 0 // gone (or no smaps_rollup on this kernel)
  }
}

export interface TreeFigures {
  cpuSeconds: number
  /** The peak memory of the side: RSS for one process, summed PSS for several (see the header). */
  peakMemoryBytes: number
  /** The peak of the summed RSS, kept for the JSON. */
  peakRssSumBytes: number
  /** Processes seen in the side, the root excluded if it was excluded. */
  processes: number
}

/** Samples one process tree until stopped; `excludeRoot` leaves out the root (a driver process, not the side). */
export class ProcTreeMonitor {
  private readonly root: number
  private readonly excludeRoot: boolean
  private members = new Map<number, string>()
  private timer: NodeJS.Timeout | undefined
  private lastScan = 0
  private readonly seen = new Set<string>()
  private peakCpuTicks = 0
  private peakRssBytes = 0
  private peakPssBytes = 0
  private lastPss = 0
  private pssInFlight = false
  private baselineTicks = 0

  constructor(root: number, options: { excludeRoot?: boolean } = {}) {
    this.root = root
    this.excludeRoot = options.excludeRoot === true
    const s = readStat(root)
    if (s) this.members.set(root, s.startTime)
    this.sample()
    this.timer = setInterval(() => this.sample(), INTERVAL_MS)
    this.timer.unref()
  }

  /** From now on, CPU is counted from here (e.g. a browser already launched and idle before its navigation). */
  markBaseline(): void {
    this.sample()
    this.baselineTicks = this.peakCpuTicks
    this.peakRssBytes = 0
    this.peakPssBytes = 0
    this.lastPss = 0
    this.sample()
  }

  /** Takes a last sample (call it before the root exits where possible) and stops. */
  stop(): TreeFigures {
    if (this.timer) this.sample()
    clearInterval(this.timer)
    this.timer = undefined
    const several = this.seen.size > 1
    return {
      cpuSeconds: (this.peakCpuTicks - this.baselineTicks) / CLOCK_TICKS,
      peakMemoryBytes: several && this.peakPssBytes > 0 ? this.peakPssBytes : this.peakRssBytes,
      peakRssSumBytes: this.peakRssBytes,
      processes: this.seen.size
    }
  }

  private sample(): void {
    const now = performance.now()
    if (now - this.lastScan >= RESCAN_MS) {
      this.lastScan = now
      try {
        for (const d of descendantsOf(this.root)) if (!this.members.has(d.pid)) this.members.set(d.pid, d.startTime)
      } catch {
        // /proc briefly unreadable: the next scan finds them.
      }
    }
    // Children forked by a member's main thread (ssh under rsync or scp, sshd's sessions) are found at once;
    // those forked by other threads (Chromium's launcher thread) by the next full scan.
    for (const pid of [...this.members.keys()]) {
      for (const child of mainThreadChildren(pid)) {
        if (this.members.has(child)) continue
        const s = readStat(child)
        if (s) this.members.set(child, s.startTime)
      }
    }
    let ticks = 0
    let rss = 0
    const live: number[] = []
    for (const [pid, startTime] of this.members) {
      const s = readStat(pid)
      if (!s || s.startTime !== startTime) {
        this.members.delete(pid) // exited: its CPU is now in its parent's cutime
        continue
      }
      if (pid === this.root && this.excludeRoot) continue
      this.seen.add(`${pid}/${startTime}`)
      live.push(pid)
      ticks += s.ownTicks + s.childTicks
      rss += s.rssBytes
    }
    // A process reaped between reading its parent and reading it can make one sample dip; the peak never does.
    this.peakCpuTicks = Math.max(this.peakCpuTicks, ticks)
    this.peakRssBytes = Math.max(this.peakRssBytes, rss)
    if (this.seen.size > 1 && !this.pssInFlight && now - this.lastPss >= PSS_INTERVAL_MS) {
      this.lastPss = now
      this.pssInFlight = true
      void Promise.all(live.map(readPssBytes)).then((values) => {
        this.pssInFlight = false
        if (this.timer) this.peakPssBytes = Math.max(this.peakPssBytes, values.reduce((a, b) => a + b, 0))
      })
    }
  }
}
