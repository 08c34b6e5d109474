// Starts test/fixtures/share-server-process.ts in a child process and talks to it over IPC: its link, its RSS and
// peak RSS, its inbox. Memory bounds in the abuse tests are about the server alone, never about the test's client.

import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type {
  ServerProcessConfig, ServerProcessReady, ServerProcessReply, ServerProcessRequest, ServerProcessStats
} from '../fixtures/share-server-process.ts'

const SCRIPT = fileURLToPath(new URL('../fixtures/share-server-process.ts', import.meta.url))
const REPLY_TIMEOUT_MS = 20_000
const MiB = 1024 * 1024

export interface ServerProcess extends Omit<ServerProcessReady, 'type'> {
  child: ChildProcess
  stats: () => Promise<ServerProcessStats>
  /** Runs a full GC in the server first, so `retained` is set. */
  retained: () => Promise<ServerProcessStats>
  /** Starts a new peak; returns the stats at that moment (its `rss` is the baseline of what follows). */
  resetPeak: () => Promise<ServerProcessStats>
  close: () => Promise<void>
  /** What the server process wrote to stderr, for failure messages. */
  stderr: () => string
}

export async function startServerProcess (config: ServerProcessConfig): Promise<ServerProcess> {
  // No execArgv of the test runner (its loaders): a plain Node that strips the types itself.
  const child = fork(SCRIPT, [JSON.stringify(config)], { execArgv: ['--no-warnings', '--expose-gc'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
  const ready = await new Promise<ServerProcessReady>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`the server process did not start: ${stderr}`)) }, REPLY_TIMEOUT_MS)
    child.once('message', (m: ServerProcessReady) => { clearTimeout(timer); resolve(m) })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the server process exited with ${code ?? 'a signal'}: ${stderr}`)) })
  })
  let nextId = 1
  const ask = async (type: ServerProcessRequest['type']): Promise<ServerProcessStats> => {
    const id = nextId++
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => { child.off('message', onMessage); reject(new Error(`no ${type} reply within ${REPLY_TIMEOUT_MS} ms`)) }, REPLY_TIMEOUT_MS)
      const onMessage = (m: ServerProcessReply): void => {
        if (m.type !== 'reply' || m.id !== id) return
        clearTimeout(timer)
        child.off('message', onMessage)
        resolve(m.stats)
      }
      child.on('message', onMessage)
      child.send({ id, type } satisfies ServerProcessRequest, (err) => {
        if (err === null) return
        clearTimeout(timer)
        child.off('message', onMessage)
        reject(err)
      })
    })
  }
  const { type: _type, ...info } = ready
  return {
    ...info,
    child,
    stats: async () => await ask('stats'),
    retained: async () => await ask('retained'),
    resetPeak: async () => await ask('reset-peak'),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null && child.connected) {
        await ask('close').catch(() => {})
      }
      const killTimer = setTimeout(() => { child.kill('SIGKILL') }, 5000)
      await exited
      clearTimeout(killTimer)
    },
    stderr: () => stderr
  }
}

/** The soft limit on open files of this process (`ulimit -n`), or `fallback` where /proc is not there to say. */
export function openFileLimit (fallback = 1024): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'))
    const soft = Number(line?.split(/\s{2,}/)[1])
    return Number.isSafeInteger(soft) && soft > 0 ? soft : fallback
  } catch {
    return fallback
  }
}

/** Bytes as MiB with one decimal, for messages and the measurements log. */
export function mib (bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`
}

/** Median, min and max of some figures. */
export function summary (values: readonly number[]): { median: number, min: number, max: number } {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
  return { median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 }
}

export interface MemoryWatch {
  /** Bytes the server holds now beyond what it held at the start, after a full GC (see ServerProcessStats.retained). */
  held: () => Promise<number>
  /** The peak RSS since the start, and the growth over the RSS at the start. */
  peak: () => Promise<{ baseline: number, peak: number, growth: number }>
}

/** Starts watching the server's memory: its retained bytes (after a full GC) and its RSS from now on. */
export async function watchMemory (server: ServerProcess): Promise<MemoryWatch> {
  const before = await server.retained()
  const baseline = await server.resetPeak()
  return {
    held: async () => (await server.retained()).retained - before.retained,
    peak: async () => {
      const { peakRss } = await server.stats()
      return { baseline: baseline.rss, peak: peakRss, growth: peakRss - baseline.rss }
    }
  }
}

/** "RSS 140.0 MiB -> peak 150.0 MiB (+10.0 MiB)" */
export function describePeak (peak: { baseline: number, peak: number, growth: number }): string {
  return `RSS ${mib(peak.baseline)} -> peak ${mib(peak.peak)} (+${mib(peak.growth)})`
}
