// How the CLI talks: human lines and a progress bar on a terminal, or one JSON object a line with --json.

import { SingleBar } from 'cli-progress'
import { FerryError, type TransferProgress } from '@ferry/p2p-core'

export interface Output {
  json: boolean
  /** A JSON event (with --json) or nothing. */
  event: (event: { type: string } & Record<string, unknown>) => void
  /** A line for people (without --json). */
  say: (line: string) => void
  /** Progress: a bar on a TTY, a JSON line at most once a second with --json, quiet otherwise. */
  progress: (transferId: string) => { update: (p: TransferProgress) => void, stop: () => void }
  fail: (err: unknown) => void
}

export function formatBytes (n: number): string {
  if (n < 1000) return `${n} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let value = n
  let unit = -1
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++ }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit] ?? ''}`
}

export function createOutput (options: { json: boolean, stdout?: NodeJS.WriteStream, stderr?: NodeJS.WriteStream }): Output {
  const stdout = options.stdout ?? process.stdout
  const stderr = options.stderr ?? process.stderr
  const json = options.json
  return {
    json,
    event (event) {
      if (json) stdout.write(`${JSON.stringify(event)}\n`)
    },
    say (line) {
      if (!json) stdout.write(`${line}\n`)
    },
    progress (transferId) {
      if (json) {
        let last = 0
        return {
          update (p) {
            const now = Date.now()
            if (now - last < 1000 && p.bytesDone < p.totalBytes) return
            last = now
            stdout.write(`${JSON.stringify({ type: 'progress', transferId, ...p })}\n`)
          },
          stop () {}
        }
      }
      if (stderr.isTTY !== true) return { update () {}, stop () {} }
      const bar = new SingleBar({
        format: '{bar} {percentage}% | {done} of {all} | {speed}/s | ETA {eta_text}',
        hideCursor: true,
        stream: stderr
      })
      let started = false
      return {
        update (p) {
          const payload = { done: formatBytes(p.bytesDone), all: formatBytes(p.totalBytes), speed: formatBytes(p.rate), eta_text: p.etaSeconds === null ? '?' : `${p.etaSeconds}s` }
          if (!started) { bar.start(Math.max(1, p.totalBytes), p.bytesDone, payload); started = true } else bar.update(p.bytesDone, payload)
        },
        stop () { if (started) bar.stop() }
      }
    },
    fail (err) {
      const code = err instanceof FerryError ? err.code : 'FERRY_ERR_INTERNAL'
      const message = err instanceof Error ? err.message : String(err)
      if (json) stdout.write(`${JSON.stringify({ type: 'error', code, message })}\n`)
      else stderr.write(`ferry: ${message} (${code})\n`)
    }
  }
}
