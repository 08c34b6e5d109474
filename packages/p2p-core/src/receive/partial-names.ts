// Names of the hidden files a received file lives in until it is verified: `.ferry-<h>.part` and its sidecar
// `.ferry-<h>.part.json`. `<h>` is an HMAC under a secret of this device, so a peer (or anyone who knows the sender,
// path, size and mtime) cannot predict it and plant something there first; and no offered path can equal one,
// because `sanitizeRelativePath` refuses names that start with the reserved prefix. The same file offered again by
// the same sender gets the same name, which is what lets it resume.

import { createHash, createHmac, randomBytes } from 'node:crypto'

export const PARTIAL_PREFIX = '.ferry-'
export const PARTIAL_SUFFIX = '.part'
export const SIDECAR_SUFFIX = '.part.json'

/** Hex characters of the HMAC kept in a name (128 bits). */
const NAME_HEX = 32

export class PartialNames {
  readonly #key: Uint8Array
  /** Random per instance: fresh names are this plus a counter, unpredictable and never repeated (no RNG per file). */
  readonly #freshPrefix = randomBytes(10).toString('hex')
  #freshCount = 0

  /** `key`: a secret of this device that stays the same across restarts (so partials resume), or random bytes. */
  constructor (key: Uint8Array = randomBytes(32)) {
    this.#key = key
  }

  /** The partial's name for a resumable file, from what identifies it (sender, path, size, mtime). */
  forKey (resumeKey: string): string {
    return `${PARTIAL_PREFIX}${createHmac('sha256', this.#key).update(resumeKey).digest('hex').slice(0, NAME_HEX)}${PARTIAL_SUFFIX}`
  }

  /** A fresh name nobody else uses, for a file that will not resume. */
  fresh (): string {
    return `${PARTIAL_PREFIX}${this.#freshPrefix}${(this.#freshCount++).toString(16).padStart(NAME_HEX - 20, '0')}${PARTIAL_SUFFIX}`
  }
}

/**
 * The names a device gives its partial files, under a secret derived from its private key: the same across restarts
 * (partials resume), unknowable to peers (they cannot plant anything at a partial's name).
 */
export function partialNamesFor (privateKey: { raw: Uint8Array }): PartialNames {
  return new PartialNames(createHash('sha256').update('ferry partial names v1\0').update(privateKey.raw).digest())
}

export function sidecarOf (partialName: string): string {
  return `${partialName.slice(0, -PARTIAL_SUFFIX.length)}${SIDECAR_SUFFIX}`
}

/** What PartialClaims holds for a partial: the destination's root, the folder below it and the partial's name. */
export function claimKeyOf (root: string, folderRelative: string, partialName: string): string {
  return `${root}\0${folderRelative}\0${partialName}`
}

/** Who holds a claim: an accepted transfer of one peer (its connection's session). */
export interface ClaimHolder {
  readonly peerId: string
  /** Whether its peer looks gone: nothing read or written on its connection for the session policy's limit. */
  stale: () => boolean
  /** Ends it as a lost connection: its partials are kept (and its claims released) for whoever resumes them. */
  giveWay: () => void
}

/**
 * Partial files in use by transfers of this process, so two transfers of the same file (the same sender sending it
 * twice at once) never write one partial: the second gets a fresh name and does not resume. A claim remembers its
 * holder, and `released` tells when it is free again (held-partials.ts: a sender killed and started again).
 */
export class PartialClaims {
  readonly #held = new Map<string, ClaimHolder | undefined>()
  readonly #waiting = new Map<string, Array<() => void>>()
  /** Held partials that no offer will name again: their holder deletes them instead of keeping them. */
  readonly #retired = new Set<string>()

  claim (key: string, holder?: ClaimHolder): boolean {
    if (this.#held.has(key)) return false
    this.#held.set(key, holder)
    return true
  }

  release (key: string): void {
    this.#held.delete(key)
    this.#retired.delete(key)
    const waiting = this.#waiting.get(key)
    this.#waiting.delete(key)
    for (const resolve of waiting ?? []) resolve()
  }

  held (key: string): boolean {
    return this.#held.has(key)
  }

  holderOf (key: string): ClaimHolder | undefined {
    return this.#held.get(key)
  }

  /** Marks a held partial useless (its file was saved from another one): its holder deletes it when it ends. */
  retire (key: string): void {
    if (this.#held.has(key)) this.#retired.add(key)
  }

  retired (key: string): boolean {
    return this.#retired.has(key)
  }

  /** Resolves once `key` is not held (at once if it is free). */
  async released (key: string): Promise<void> {
    if (!this.#held.has(key)) return
    await new Promise<void>((resolve) => {
      const waiting = this.#waiting.get(key) ?? []
      waiting.push(resolve)
      this.#waiting.set(key, waiting)
    })
  }
}
