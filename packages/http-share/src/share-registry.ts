// The shares one server holds: an unguessable token each (128 random bits, the only thing that names a share in a
// URL), an optional PIN kept as a salted hash, an expiry and revocation. Tokens are looked up by their SHA-256, so
// the time a lookup takes says nothing about how close a guess was.

import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import { ShareExpiredError, ShareLimitError, ShareNotFoundError } from './errors.ts'
import type { ShareFile, SkippedEntry } from './shared-files.ts'

/** 16 random bytes in base64url: 22 characters. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/
export const PIN_PATTERN = /^[0-9]{6}$/
/** Name of the cookie that proves the PIN was given; its Path is the share's own, so shares never see each other's. */
export const PIN_COOKIE = 'ferry_pin'

export interface Share {
  /** A short id for the app (revoke, events); not a secret and never enough to reach the share. */
  id: string
  token: string
  name: string
  files: readonly ShareFile[]
  totalBytes: number
  /** Entries of shared folders left out (links, special files), at most `maxSkippedReported` of them. */
  skipped: readonly SkippedEntry[]
  skippedCount: number
  allowUpload: boolean
  createdAt: number
  expiresAt: number
  hasPin: boolean
  /** Who shares (the page says "Shared by ..."). */
  from?: string
}

interface Entry {
  share: Share
  pinSalt?: Buffer
  pinHash?: Buffer
  /** HMAC key for this share's PIN cookie: the cookie is worthless once the share is gone. */
  cookieKey: Buffer
}

export interface AddShareInit {
  name: string
  files: readonly ShareFile[]
  skipped?: readonly SkippedEntry[]
  skippedCount?: number
  allowUpload: boolean
  expiresAt: number
  /** A 6-digit PIN, or none. */
  pin?: string
  from?: string
}

function sha256 (data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest()
}

export function generatePin (): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0')
}

export class ShareRegistry {
  readonly #byTokenHash = new Map<string, Entry>()
  readonly #byId = new Map<string, Entry>()
  readonly #maxShares: number

  constructor (options: { maxShares: number }) {
    this.#maxShares = options.maxShares
  }

  add (init: AddShareInit, now = Date.now()): Share {
    if (init.pin !== undefined && !PIN_PATTERN.test(init.pin)) throw new RangeError('A PIN is exactly 6 digits')
    if (this.#byId.size >= this.#maxShares) throw new ShareLimitError(`This server holds at most ${this.#maxShares} shares; revoke one first`)
    const token = randomBytes(16).toString('base64url')
    const share: Share = {
      id: randomBytes(6).toString('base64url'),
      token,
      name: init.name,
      files: init.files,
      totalBytes: init.files.reduce((n, f) => n + f.size, 0),
      skipped: init.skipped ?? [],
      skippedCount: init.skippedCount ?? init.skipped?.length ?? 0,
      allowUpload: init.allowUpload,
      createdAt: now,
      expiresAt: init.expiresAt,
      hasPin: init.pin !== undefined,
      ...(init.from === undefined ? {} : { from: init.from })
    }
    const entry: Entry = { share, cookieKey: randomBytes(32) }
    if (init.pin !== undefined) {
      entry.pinSalt = randomBytes(16)
      entry.pinHash = sha256(Buffer.concat([entry.pinSalt, Buffer.from(init.pin)]))
    }
    this.#byTokenHash.set(sha256(token).toString('hex'), entry)
    this.#byId.set(share.id, entry)
    return share
  }

  /** The share a token names, or throws ShareNotFoundError / ShareExpiredError. */
  resolve (token: string, now = Date.now()): Share {
    const entry = TOKEN_PATTERN.test(token) ? this.#byTokenHash.get(sha256(token).toString('hex')) : undefined
    if (entry === undefined) throw new ShareNotFoundError()
    if (now >= entry.share.expiresAt) throw new ShareExpiredError()
    return entry.share
  }

  get (id: string): Share | undefined {
    return this.#byId.get(id)?.share
  }

  list (): Share[] {
    return [...this.#byId.values()].map((e) => e.share)
  }

  /** Forgets the share: its token and PIN cookie stop working at once. */
  revoke (id: string): Share | undefined {
    const entry = this.#byId.get(id)
    if (entry === undefined) return undefined
    this.#byId.delete(id)
    this.#byTokenHash.delete(sha256(entry.share.token).toString('hex'))
    return entry.share
  }

  checkPin (share: Share, pin: unknown): boolean {
    const entry = this.#byId.get(share.id)
    if (entry?.pinHash === undefined || entry.pinSalt === undefined) return entry !== undefined
    if (typeof pin !== 'string' || !PIN_PATTERN.test(pin)) return false
    return timingSafeEqual(sha256(Buffer.concat([entry.pinSalt, Buffer.from(pin)])), entry.pinHash)
  }

  /**
   * A new cookie value that proves the PIN of this share was given: a random nonce for this client and its HMAC
   * under the share's key, so no two clients hold the same value and the server keeps nothing per client.
   */
  pinCookieValue (share: Share): string {
    const entry = this.#byId.get(share.id)
    if (entry === undefined) throw new ShareNotFoundError()
    const nonce = randomBytes(16).toString('base64url')
    return `${nonce}.${cookieMac(entry.cookieKey, nonce)}`
  }

  /** Whether the request's Cookie header proves the PIN (always true for a share without PIN). */
  pinCookieOk (share: Share, cookieHeader: string | undefined): boolean {
    if (!share.hasPin) return true
    const entry = this.#byId.get(share.id)
    if (entry === undefined) return false
    for (const value of cookieValues(cookieHeader, PIN_COOKIE)) {
      const match = COOKIE_PATTERN.exec(value)
      if (match === null) continue
      const expected = Buffer.from(cookieMac(entry.cookieKey, match[1] as string))
      const given = Buffer.from(match[2] as string)
      if (given.byteLength === expected.byteLength && timingSafeEqual(given, expected)) return true
    }
    return false
  }
}

/** A PIN cookie: 16-byte nonce and 32-byte HMAC-SHA-256, both base64url. */
const COOKIE_PATTERN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/

function cookieMac (key: Buffer, nonce: string): string {
  return createHmac('sha256', key).update(`pin-ok:${nonce}`).digest('base64url')
}

/** Every value of cookie `name` in a Cookie header (a browser may send several, one per matching Path). */
function cookieValues (header: string | undefined, name: string): string[] {
  if (header === undefined) return []
  const values: string[] = []
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim())
  }
  return values
}
