// Who may use `ferry ui`'s API. Whoever holds a session can send any file anywhere, so no long-lived secret is ever
// printed, put on a command line or left in an address bar:
// - `ferry ui` prints (or opens) a one-time launch link, `/?launch=CODE`: 128 random bits, valid once and for
//   LAUNCH_CODE_TTL_MS. Opening it exchanges the code for a session and redirects to `/`, so the address bar and
//   the history keep only a spent code.
// - The session lives in an HttpOnly, SameSite=Strict cookie (page scripts cannot read it, other sites' requests do
//   not carry it), named for the port so two `ferry ui` on one computer do not overwrite each other's. It is held in
//   memory only: it ends when `ferry ui` stops, when it is rotated, or after SESSION_IDLE_MS without a new
//   connection.
// - rotate() ends every session and voids every launch code (`ferry ui` does it on SIGHUP).
// Known limit: browsers send a cookie for 127.0.0.1 to every port of 127.0.0.1; a server another local user runs
// there, visited in the same browser, would receive it (docs/guarantees.md).

import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** How long a launch link works, in ms. */
export const LAUNCH_CODE_TTL_MS = 120_000
/** Launch codes waiting to be used; issuing another drops the oldest. */
export const MAX_LAUNCH_CODES = 8
/** Sessions at once (one per browser that opened a launch link); another drops the least recently used. */
export const MAX_SESSIONS = 32
/** A session that opened no connection for this long ends, in ms. */
export const SESSION_IDLE_MS = 12 * 60 * 60_000

export interface SessionsInit {
  launchCodeTtlMs?: number
  now?: () => number
}

const secret = (): string => randomBytes(16).toString('base64url')

/** Whether two strings are equal, in time that does not depend on where they differ. */
function same (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function readCookie (header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

export class UiSessions {
  /** The page server's port, once it listens: it names the cookie. */
  port = 0
  readonly #codes = new Map<string, number>()
  readonly #sessions = new Map<string, number>()
  readonly #ttlMs: number
  readonly #now: () => number

  constructor (init: SessionsInit = {}) {
    this.#ttlMs = init.launchCodeTtlMs ?? LAUNCH_CODE_TTL_MS
    this.#now = init.now ?? Date.now
  }

  /** The cookie that carries the session: `ferry_session_<port>`. */
  get cookieName (): string {
    return `ferry_session_${this.port}`
  }

  /** A new one-time launch code. */
  issueLaunchCode (): string {
    const code = secret()
    this.#codes.set(code, this.#now() + this.#ttlMs)
    while (this.#codes.size > MAX_LAUNCH_CODES) this.#codes.delete(this.#codes.keys().next().value as string)
    return code
  }

  /** Spends a launch code: a new session id, or undefined when the code is unknown, spent or expired. */
  redeem (code: string): string | undefined {
    let found: string | undefined
    for (const [known, expiresAt] of this.#codes) {
      if (same(known, code)) found = expiresAt > this.#now() ? known : undefined
    }
    // Spent even when it had expired: a code works once at most.
    for (const known of [...this.#codes.keys()]) if (same(known, code)) this.#codes.delete(known)
    if (found === undefined) return undefined
    const session = secret()
    this.#sessions.set(session, this.#now())
    while (this.#sessions.size > MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value as string)
    return session
  }

  /** The session a request carries in its cookie, if it is live; marks it used. */
  sessionOf (request: IncomingMessage): string | undefined {
    const value = readCookie(request.headers.cookie, this.cookieName)
    if (value === undefined) return undefined
    for (const [session, usedAt] of this.#sessions) {
      if (!same(session, value)) continue
      if (this.#now() - usedAt > SESSION_IDLE_MS) {
        this.#sessions.delete(session)
        return undefined
      }
      // Most recently used last, so the oldest is the first to go when there are too many.
      this.#sessions.delete(session)
      this.#sessions.set(session, this.#now())
      return session
    }
    return undefined
  }

  /** The Set-Cookie header for a session. */
  cookieFor (session: string): string {
    return `${this.cookieName}=${session}; Path=/; HttpOnly; SameSite=Strict`
  }

  /** Ends every session and voids every launch code. */
  rotate (): void {
    this.#codes.clear()
    this.#sessions.clear()
  }
}
