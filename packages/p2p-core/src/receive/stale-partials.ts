// Partials a sender's earlier transfers left for a file that has been saved since. The source changed while the
// link was cut (another size or mtime, so another partial name), the new offer completed, and the old partial, which
// no offer will ever name again, stayed beside the saved file. When a file is saved, the partials whose sidecar names
// the same path and the same sender, under another name, are removed with their sidecars.
//
// Bounded and careful: a folder is listed at most once per transfer, at most MAX_ENTRIES_LISTED entries of it, and at
// most MAX_SIDECARS_READ sidecars are read there (never through a link, never from a fifo); names are reached through
// the destination boundary's folder; a partial another transfer of this process holds (PartialClaims) is left alone,
// unless that transfer is a silent one of the same sender (a killed run): it ends and deletes the partial itself.

import { opendirSync, type Dir } from 'node:fs'
import { removeQuietly, type Folder } from './destination.ts'
import { PARTIAL_PREFIX, PARTIAL_SUFFIX, SIDECAR_SUFFIX, claimKeyOf, sidecarOf, type PartialClaims } from './partial-names.ts'
import { readSidecar } from './sidecar.ts'

/** Entries of one folder looked at per transfer; a folder with more is only partly cleaned. */
export const MAX_ENTRIES_LISTED = 4096
/** Sidecars read in one folder per transfer. */
export const MAX_SIDECARS_READ = 64

export class StalePartials {
  readonly #from: string
  readonly #claims: PartialClaims
  /** Per folder listed in this transfer (relative path): partial name -> the path its sidecar names. */
  readonly #found = new Map<string, Map<string, string>>()

  /** One per transfer: `from` is the sender's peer id, as written in the sidecars of its partials. */
  constructor (from: string, claims: PartialClaims) {
    this.#from = from
    this.#claims = claims
  }

  /** `path` was just saved in `folder` from its partial `own`: removes this sender's other partials for that path. */
  removeFor (root: string, folder: Folder, path: string, own: string): void {
    let found = this.#found.get(folder.relative)
    if (found === undefined) {
      found = this.#list(folder)
      this.#found.set(folder.relative, found)
    }
    for (const [partial, named] of found) {
      if (named !== path || partial === own) continue
      found.delete(partial)
      const claim = claimKeyOf(root, folder.relative, partial)
      if (!this.#claims.claim(claim)) {
        // Held by another transfer. One of this sender that moved no byte for the session policy's limit is a
        // killed run still open here (held-partials.ts): it gives way and deletes the partial as it ends.
        const holder = this.#claims.holderOf(claim)
        if (holder?.peerId === this.#from && holder.stale()) {
          this.#claims.retire(claim)
          holder.giveWay()
        }
        continue
      }
      try {
        removeQuietly(folder, partial)
        removeQuietly(folder, sidecarOf(partial))
      } finally {
        this.#claims.release(claim)
      }
    }
  }

  #list (folder: Folder): Map<string, string> {
    const found = new Map<string, string>()
    let dir: Dir
    try {
      dir = opendirSync(folder.path('.'))
    } catch {
      return found
    }
    try {
      let listed = 0
      let read = 0
      for (let entry = dir.readSync(); entry !== null && listed < MAX_ENTRIES_LISTED && read < MAX_SIDECARS_READ; entry = dir.readSync()) {
        listed++
        if (!entry.name.startsWith(PARTIAL_PREFIX) || !entry.name.endsWith(SIDECAR_SUFFIX)) continue
        read++
        const sidecar = readSidecar(folder.path(entry.name))
        if (sidecar?.from !== this.#from || typeof sidecar.path !== 'string') continue
        found.set(`${entry.name.slice(0, -SIDECAR_SUFFIX.length)}${PARTIAL_SUFFIX}`, sidecar.path)
      }
    } catch { /* the folder went away while it was listed: nothing more to clean there */ } finally {
      dir.closeSync()
    }
    return found
  }
}

