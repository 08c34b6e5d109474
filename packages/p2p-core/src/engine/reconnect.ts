// When and how long a sender waits before it reconnects an interrupted transfer: exponential backoff with jitter,
// so many senders cut off by the same outage do not all come back in the same instant.

import { ConnectionLostError, TimeoutError, UnreachableError } from '../errors.ts'

/**
 * The wait before reconnect number `attempt` (1, 2, ...): `base * 2^(attempt-1)`, capped at `max`, then a random
 * point in its upper half ("equal jitter"), so the wait still grows while senders spread out.
 */
export function backoffDelay (attempt: number, base: number, max: number, random: () => number = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling / 2 + random() * ceiling / 2)
}

/**
 * Whether an attempt's failure is worth another: the network (a lost connection, a silent peer, a peer that cannot
 * be reached while the link is down), and only once the receiver had accepted the transfer. Anything the receiver
 * or the user decided (declined, cancelled, a full disk, a changed source, a mismatch) ends it.
 */
export function isReconnectable (err: unknown, everAccepted: boolean): boolean {
  if (!everAccepted) return false
  return err instanceof ConnectionLostError || err instanceof TimeoutError || err instanceof UnreachableError
}
