// Runs the real `ferry` command as a child process and reads its JSON lines.

import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))

export interface CliRun {
  child: ChildProcess
  /** Every JSON line so far. */
  events: Array<Record<string, unknown>>
  /** Resolves with the first event of this type. */
  waitFor: (type: string, timeoutMs?: number) => Promise<Record<string, unknown>>
  /** `code` is null when the process ended by a signal (`signal`: a kill, or a native crash such as SIGSEGV). */
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }>
}

/** How long `waitFor` lets the output of a process that has ended arrive before it says the event never came, in ms. */
const OUTPUT_AFTER_EXIT_MS = 2_000

/** The sources' `ferry`, under the Node that runs the tests. */
export const SOURCE_FERRY: readonly string[] = [process.execPath, MAIN]

/**
 * Runs `ferry ARGS`; `prefix` runs it through another command first (e.g. `ip netns exec NS`); `ferry` is the
 * command line that starts it (the sources by default; the production bundle, or an installed bin).
 */
export function runFerry (args: string[], env: Record<string, string>, prefix: string[] = [], ferry: readonly string[] = SOURCE_FERRY): CliRun {
  const [command, ...rest] = [...prefix, ...ferry, ...args]
  // FERRY_NO_MDNS: a test never multicasts on the machine's own network unless it asks to (inside namespaces);
  // FERRY_NO_LOCALSEND: nor takes LocalSend's port 53317 unless it asks to (with a port of its own).
  const child = spawn(command as string, rest, { env: { ...process.env, FERRY_NO_MDNS: '1', FERRY_NO_LOCALSEND: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
  const events: Array<Record<string, unknown>> = []
  const waiters: Array<() => void> = []
  let stdout = ''
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
  createInterface({ input: child.stdout! }).on('line', (line) => {
    stdout += `${line}\n`
    try {
      events.push(JSON.parse(line) as Record<string, unknown>)
    } catch {
      return
    }
    for (const w of waiters.splice(0)) w()
  })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      for (const w of waiters.splice(0)) w()
      resolve({ code, signal, stdout, stderr })
    })
  })
  // 'exit' comes as soon as the process has ended (by an exit code or by a signal), 'close' once its output is read too.
  child.on('exit', () => { for (const w of waiters.splice(0)) w() })
  const startedAt = Date.now()
  const waitFor = async (type: string, timeoutMs = 20_000): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = events.find((e) => e.type === type)
      if (found !== undefined) return found
      if (child.exitCode !== null || child.signalCode !== null) {
        // Ended: the event may still be in the pipe, so read what is left first (close), or give up after a moment.
        await Promise.race([exited, new Promise((resolve) => { setTimeout(resolve, OUTPUT_AFTER_EXIT_MS).unref() })])
        const late = events.find((e) => e.type === type)
        if (late !== undefined) return late
        const how = child.signalCode !== null ? `was killed by ${child.signalCode}` : `exited with code ${String(child.exitCode)}`
        throw new Error(`no "${type}" event: \`ferry ${args.join(' ')}\` (pid ${String(child.pid)}) ${how} ` +
          `${Date.now() - startedAt} ms after it started; stderr: ${stderr}; stdout: ${stdout}`)
      }
      if (Date.now() > deadline) {
        throw new Error(`no "${type}" event: \`ferry ${args.join(' ')}\` (pid ${String(child.pid)}) is still running ` +
          `${Date.now() - startedAt} ms after it started (waited ${timeoutMs} ms); stderr: ${stderr}; stdout: ${stdout}`)
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200)
        waiters.push(() => { clearTimeout(t); resolve() })
      })
    }
  }
  return { child, events, waitFor, exited }
}

/** The host and port of a `HOST:PORT/DEVICE_ID` target, as `ferry receive` prints it. */
export function peerAddressOf (target: string): { host: string, port: number } {
  const [host, port] = (target.split('/')[0] as string).split(':')
  return { host: host as string, port: Number(port) }
}

/** Resolves with the exit code, or with a note that the process was still running after `ms`. */
export async function exitWithin (run: CliRun, ms: number): Promise<number | null | string> {
  return await Promise.race([
    run.exited.then((e) => e.code),
    new Promise<string>((resolve) => { setTimeout(() => { resolve(`still running after ${ms / 1000} s`) }, ms).unref() })
  ])
}
