// One way to reach a device: it may be seen at several addresses (two interfaces, a remembered address and a fresh
// mDNS one), and only some may answer from here. Every caller that dials a device (the CLI's send and pair, the
// app's sends) tries them all, in order, the same way.

import { UnreachableError } from '../errors.ts'
import type { PeerAddress } from '../transport/types.ts'

export interface Reached<T> {
  value: T
  /** The address that answered: the one to remember and show. */
  address: PeerAddress
}

/**
 * Runs `attempt` at each address in turn until one gets through. Only an address that cannot be reached
 * (UnreachableError) moves on to the next; anything the device or the user decided (declined, a wrong identity,
 * cancelled) ends it there, and so does the last address's failure. No address at all is UnreachableError.
 */
export async function reachAny<T> (
  addresses: readonly PeerAddress[],
  attempt: (address: PeerAddress) => Promise<T>,
  signal?: AbortSignal
): Promise<Reached<T>> {
  if (addresses.length === 0) throw new UnreachableError('The device was found, but at no address this device can reach')
  for (const [i, address] of addresses.entries()) {
    try {
      return { value: await attempt(address), address }
    } catch (err) {
      if (err instanceof UnreachableError && i < addresses.length - 1 && signal?.aborted !== true) continue
      throw err
    }
  }
  throw new UnreachableError()
}
