// What is running for each share right now: download responses and upload sockets. Revoking or expiring a share
// ends them all at once, so "revoke" means no further byte leaves or arrives, not just no new requests.

import type { Response } from 'express'

export interface Closable {
  /** Ends the activity because its share is gone (revoked, expired, server closing). */
  end: (reason: Error) => void
}

export class ShareActivity {
  readonly #byShare = new Map<string, Set<Closable>>()

  /** Tracks `item` under `shareId` until the returned function is called. */
  track (shareId: string, item: Closable): () => void {
    let set = this.#byShare.get(shareId)
    if (set === undefined) {
      set = new Set()
      this.#byShare.set(shareId, set)
    }
    set.add(item)
    return () => {
      set.delete(item)
      if (set.size === 0 && this.#byShare.get(shareId) === set) this.#byShare.delete(shareId)
    }
  }

  /** Tracks a response until it finishes or its connection closes. */
  trackResponse (shareId: string, res: Response): void {
    const untrack = this.track(shareId, { end: () => { res.destroy() } })
    res.once('close', untrack)
  }

  endShare (shareId: string, reason: Error): void {
    const set = this.#byShare.get(shareId)
    if (set === undefined) return
    this.#byShare.delete(shareId)
    for (const item of set) item.end(reason)
  }

  endAll (reason: Error): void {
    for (const id of [...this.#byShare.keys()]) this.endShare(id, reason)
  }

  count (shareId: string): number {
    return this.#byShare.get(shareId)?.size ?? 0
  }
}
