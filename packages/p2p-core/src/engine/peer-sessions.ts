// Incoming transfers per peer, held to `maxSessionsPerPeer`. A peer that crashed leaves its QUIC connection open on
// this side until the idle timeout; when that peer comes back and is at its limit, the session that has been
// silent longest (past `staleSessionMs`) makes room, so a sender that restarts is not locked out by its own ghosts.
// A live transfer is never silent that long. The same test lets a restarted sender resume the partials its ghost
// holds (receive/held-partials.ts).

import type { ClaimHolder } from '../receive/partial-names.ts'
import type { FerryConnection, FerryStream } from '../transport/types.ts'

export interface PeerSession {
  readonly peerId: string
  readonly connection: FerryConnection
  lastActivity: number
}

export class PeerSessions {
  readonly #byPeer = new Map<string, Set<PeerSession>>()
  readonly #limit: number
  readonly #staleMs: number

  constructor (limits: { maxSessionsPerPeer: number, staleSessionMs: number }) {
    this.#limit = limits.maxSessionsPerPeer
    this.#staleMs = limits.staleSessionMs
  }

  /**
   * Admits a session for `connection` at once (no await, so simultaneous arrivals cannot all pass), evicting the
   * peer's stalest silent session if it is at its limit; undefined when every one of them is active.
   */
  admit (connection: FerryConnection): PeerSession | undefined {
    const peerId = connection.remotePeerId
    let sessions = this.#byPeer.get(peerId)
    if (sessions === undefined) {
      sessions = new Set()
      this.#byPeer.set(peerId, sessions)
    }
    if (sessions.size >= this.#limit) {
      let stalest: PeerSession | undefined
      for (const s of sessions) if (this.stale(s) && (stalest === undefined || s.lastActivity < stalest.lastActivity)) stalest = s
      if (stalest === undefined) return undefined
      sessions.delete(stalest)
      stalest.connection.close()
    }
    const session: PeerSession = { peerId, connection, lastActivity: performance.now() }
    sessions.add(session)
    return session
  }

  /** Whether nothing was read or written on the session's connection for `staleSessionMs`: its peer looks gone. */
  stale (session: PeerSession): boolean {
    return performance.now() - session.lastActivity >= this.#staleMs
  }

  /**
   * The session as the holder of the partials its transfer claims: a new transfer of the same peer that wants one of
   * them makes a stale session give way (its connection closed, so its transfer ends as lost and keeps them).
   */
  holder (session: PeerSession): ClaimHolder {
    return { peerId: session.peerId, stale: () => this.stale(session), giveWay: () => { session.connection.close() } }
  }

  release (session: PeerSession): void {
    const sessions = this.#byPeer.get(session.peerId)
    sessions?.delete(session)
    if (sessions?.size === 0) this.#byPeer.delete(session.peerId)
  }

  count (peerId: string): number {
    return this.#byPeer.get(peerId)?.size ?? 0
  }
}

/** The same connection, with every byte read or written on any of its streams marking the session active. */
export function trackActivity (session: PeerSession): FerryConnection {
  const { connection } = session
  const touch = (): void => { session.lastActivity = performance.now() }
  const wrap = (stream: FerryStream): FerryStream => ({
    read: async (maxBytes) => {
      const chunk = await stream.read(maxBytes)
      touch()
      return chunk
    },
    write: async (data) => {
      await stream.write(data)
      touch()
    },
    finish: async () => { await stream.finish() },
    reset: () => { stream.reset() }
  })
  return {
    remotePeerId: connection.remotePeerId,
    remoteAddress: connection.remoteAddress,
    closed: connection.closed,
    openStream: async () => wrap(await connection.openStream()),
    acceptStream: async () => wrap(await connection.acceptStream()),
    close: () => { connection.close() }
  }
}
