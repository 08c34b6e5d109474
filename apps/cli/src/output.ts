// How the CLI talks: human lines and a progress bar on a terminal, or one JSON object a line with --json.
// Strings from elsewhere (a peer's alias, text, file names, error messages; a browser's name) never reach the
// terminal raw: printable() escapes what a terminal would act on or hide, and every human line passes through it.

import { SingleBar } from 'cli-progress'
import { FerryError, type TransferProgress } from '@ferry/p2p-core'
import { printable } from './printable.ts'

export interface Output {
  json: boolean
  /** A JSON event (with --json) or nothing. */
  event: (event: { type: string } & Record<string, unknown>) => void
  /** A line for people (without --json), with control characters escaped except newlines (printable). */
  say: (line: string) => void
  /** Text of our own that carries terminal codes on purpose (a QR code), as it is; never a peer's string. */
  raw: (text: string) => void
  /** Progress: a bar on a TTY, a JSON line at most once a second with --json, quiet otherwise. */
  progress: (transferId: string) => { update: (p: TransferProgress) => void, stop: () => void }
  /** A failure: its code and message; `about` (with --json) names what failed, e.g. `{ transferId }`. */
  fail: (err: unknown, about?: Record<string, unknown>) => void
}

// printable() has a file of its own so that main.ts escapes usage errors without loading the progress bar.
export { printable } from './printable.ts'

/** An error of another Ferry layer that carries a stable code of its own (an ApiError of the app service). */
function hasFerryCode (err: unknown): err is Error & { code: string } {
  const code: unknown = err instanceof Error ? (err as { code?: unknown }).code : undefined
  return typeof code === 'string' && code.startsWith('FERRY_ERR_')
}

/** A device as people read it: `"nas" [K7Q2-9MXD]`, its alias (a peer's string) escaped. */
export function peerLabel (peer: { alias?: string, shortCode: string }): string {
  return `${peer.alias === undefined ? 'unknown device' : `"${printable(peer.alias)}"`} [${peer.shortCode}]`
}

export function formatBytes (n: number): string {
  if (n < 1000) return `${Math.round(n)} B`
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
      // Every line, whatever it holds: a peer's string that a caller forgot to pass through printable() still
      // cannot drive the terminal (one-line fields are escaped by the caller, newlines included).
      if (!json) stdout.write(`${printable(line, { lines: true })}\n`)
    },
    raw (text) {
      if (!json) stdout.write(`${text}\n`)
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
    fail (err, about) {
      const code = err instanceof FerryError || hasFerryCode(err) ? err.code : 'FERRY_ERR_INTERNAL'
      const message = err instanceof Error ? err.message : String(err)
      if (json) stdout.write(`${JSON.stringify({ type: 'error', ...about, code, message })}\n`)
      // A message may come from the peer (an error frame): one line, escaped.
      else stderr.write(`ferry: ${printable(message)} (${printable(code)})\n`)
    }
  }
}
