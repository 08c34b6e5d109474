// The app's peer list: devices added by address or met through a transfer, with the app's trust in each.
// Kept in memory for this run (bounded by MAX_PEERS); discovery and a persisted trust store are not wired yet.

import { shortCodeFor, type DeviceType } from '@ferry/p2p-core'
import type { Peer, PeerAddressDto, Trust } from '@ferry/ui/api'
import type { EventHub } from './event-hub.ts'

/** Peers kept; the oldest sighting is dropped first when a new one arrives. */
export const MAX_PEERS = 256

export class PeerBook {
  readonly #peers = new Map<string, Peer>()
  readonly #hub: EventHub

  constructor (hub: EventHub) {
    this.#hub = hub
  }

  list (): Peer[] {
    return [...this.#peers.values()].map((p) => structuredClone(p))
  }

  get (peerId: string): Peer | undefined {
    const peer = this.#peers.get(peerId)
    return peer === undefined ? undefined : structuredClone(peer)
  }

  /** Records a sighting: keeps trust and known addresses, adds a new address, marks it online. */
  seen (init: { peerId: string, alias?: string, deviceType?: DeviceType, address?: PeerAddressDto }): Peer {
    const old = this.#peers.get(init.peerId)
    const addresses = [...(old?.addresses ?? [])]
    if (init.address !== undefined && !addresses.some((a) => a.host === init.address?.host && a.port === init.address.port)) addresses.push(init.address)
    const alias = init.alias ?? old?.alias
    const peer: Peer = {
      id: init.peerId,
      ...(alias === undefined ? {} : { alias }),
      deviceType: init.deviceType ?? old?.deviceType ?? 'unknown',
      shortCode: shortCodeFor(init.peerId),
      addresses,
      trust: old?.trust ?? 'unknown',
      autoAccept: old?.autoAccept ?? false,
      identityChanged: false,
      online: true,
      lastSeen: Date.now()
    }
    this.#put(peer)
    return structuredClone(peer)
  }

  setTrust (peerId: string, trust: Trust, autoAccept?: boolean): Peer | undefined {
    const old = this.#peers.get(peerId)
    if (old === undefined) return undefined
    const peer: Peer = { ...old, trust, identityChanged: false, ...(autoAccept === undefined ? {} : { autoAccept }) }
    this.#put(peer)
    return structuredClone(peer)
  }

  #put (peer: Peer): void {
    this.#peers.delete(peer.id)
    this.#peers.set(peer.id, peer)
    while (this.#peers.size > MAX_PEERS) {
      const oldest = this.#peers.keys().next().value
      if (oldest === undefined) break
      this.#peers.delete(oldest)
    }
    this.#hub.emit('peers', this.list())
  }
}
