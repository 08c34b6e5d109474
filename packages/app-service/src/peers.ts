// The app's peer list: devices discovery sees (mDNS, probes of remembered and added addresses), devices met
// through a transfer, and the remembered devices of devices.json (trust-store.ts, shared with the `ferry`
// commands), with the user's trust in each. The list in memory is what the UI shows; what must outlive the run
// (trust, auto-accept, where a device was last reached) is written through to the store. Mere mDNS sightings are
// not written: the store remembers devices the user dealt with, not everything that passed on the network.

import { formatHostPort, shortCodeFor, type DeviceType, type Logger } from '@ferry/p2p-core'
import { apiErrorCodes, type Peer, type PeerAddressDto, type Trust } from '@ferry/api'
import { parseHostPort } from './discovery.ts'
import type { EventHub } from './event-hub.ts'
import { viewPeer } from './trust/trust-policy.ts'
import type { DeviceRecord, TrustStore } from './trust/trust-store.ts'

/** Peers kept in memory; the oldest sighting is dropped first when a new one arrives. */
export const MAX_PEERS = 256
/** Addresses kept per peer, most recent first. */
export const MAX_ADDRESSES = 8

export interface Sighting {
  peerId: string
  alias?: string
  deviceType?: DeviceType
  /** The model the device names (LocalSend's deviceModel). */
  model?: string
  addresses?: readonly PeerAddressDto[]
  /** Write it to devices.json (a transfer or an address the user typed), not only to the list. */
  remember?: boolean
}

function fromRecord (record: DeviceRecord): Peer {
  return {
    id: record.peerId,
    ...(record.alias === undefined ? {} : { alias: record.alias }),
    deviceType: 'unknown',
    shortCode: record.shortCode,
    addresses: record.addresses.flatMap((text) => parseHostPort(text) ?? []),
    trust: record.trusted ? 'trusted' : 'known',
    autoAccept: record.autoAcceptDir !== undefined,
    identityChanged: false,
    online: false
  }
}

export class PeerBook {
  readonly #peers = new Map<string, Peer>()
  readonly #hub: EventHub
  readonly #store: TrustStore
  readonly #logger: Logger
  /** Devices whose trust the user set in this run: an alias shared with another device no longer flags them. */
  readonly #acknowledged = new Set<string>()

  constructor (init: { hub: EventHub, store: TrustStore, logger: Logger }) {
    this.#hub = init.hub
    this.#store = init.store
    this.#logger = init.logger
    // Remembered devices show at once (offline until a probe or mDNS finds them), most recently seen last.
    const remembered = init.store.list().sort((a, b) => a.lastSeen.localeCompare(b.lastSeen))
    for (const record of remembered.slice(-MAX_PEERS)) this.#peers.set(record.peerId, fromRecord(record))
  }

  list (): Peer[] {
    return [...this.#peers.values()].map((p) => structuredClone(p))
  }

  get (peerId: string): Peer | undefined {
    const peer = this.#peers.get(peerId)
    return peer === undefined ? undefined : structuredClone(peer)
  }

  /** Records a sighting: keeps trust, adds new addresses, marks it online, and flags an alias taken over by a new id. */
  seen (init: Sighting): Peer {
    const old = this.#peers.get(init.peerId)
    // Where it was just reached goes first: sends and retries dial the first address (a device that came back on
    // a new port, or was added again by its new link, is reached there).
    const sighted = (init.addresses ?? []).map((a) => ({ host: a.host, port: a.port }))
    const addresses = [...sighted, ...(old?.addresses ?? []).filter((a) => !sighted.some((s) => s.host === a.host && s.port === a.port))].slice(0, MAX_ADDRESSES)
    const alias = init.alias ?? old?.alias
    const model = init.model ?? old?.model
    // Dealing with a device (a transfer, its address typed) makes a new one known; trust is never raised here.
    const trust: Trust = old?.trust !== undefined && old.trust !== 'unknown' ? old.trust : init.remember === true ? 'known' : 'unknown'
    const view = viewPeer(this.#store, { peerId: init.peerId, ...(alias === undefined ? {} : { alias }) })
    const peer: Peer = {
      id: init.peerId,
      ...(alias === undefined ? {} : { alias }),
      deviceType: init.deviceType ?? old?.deviceType ?? 'unknown',
      ...(model === undefined ? {} : { model }),
      shortCode: shortCodeFor(init.peerId),
      addresses,
      trust,
      autoAccept: old?.autoAccept ?? false,
      // Cleared only by the user setting a trust level (setTrust), never by the device itself.
      identityChanged: trust !== 'trusted' && !this.#acknowledged.has(init.peerId) && (old?.identityChanged === true || view.identityChanged !== undefined),
      online: true,
      lastSeen: Date.now()
    }
    this.#put(peer)
    // Remembered devices get their new address and alias written too, so probes find them after a move.
    if (init.remember === true || this.#store.get(init.peerId) !== undefined) {
      const address = init.addresses?.[0]
      this.#persist(this.#store.touch(init.peerId, {
        ...(alias === undefined ? {} : { alias }), ...(address === undefined ? {} : { address: formatHostPort(address) })
      }))
    }
    return structuredClone(peer)
  }

  /** Discovery lost it (no answer within its TTL). */
  lost (peerId: string): void {
    const old = this.#peers.get(peerId)
    if (old === undefined || !old.online) return
    this.#peers.set(peerId, { ...old, online: false })
    this.#hub.emit('peers', this.list())
  }

  /**
   * Sets the user's trust in a device and writes it to devices.json: 'unknown' forgets it, 'known' keeps it
   * untrusted, 'trusted' trusts it. `autoAccept` (honoured only while trusted) is stored as the folder offers go to.
   */
  async setTrust (peerId: string, trust: Trust, autoAccept: boolean | undefined, downloadDir: string): Promise<Peer | undefined> {
    const old = this.#peers.get(peerId)
    if (old === undefined) return undefined
    const auto = trust === 'trusted' && (autoAccept ?? old.autoAccept)
    const peer: Peer = { ...old, trust, identityChanged: false, autoAccept: auto }
    this.#acknowledged.add(peerId)
    this.#put(peer)
    await this.#store.update(peerId, (record) => {
      if (trust === 'unknown') return undefined
      const now = new Date().toISOString()
      const base: DeviceRecord = record ?? {
        peerId, shortCode: shortCodeFor(peerId), trusted: false, addresses: peer.addresses.map(formatHostPort), firstSeen: now, lastSeen: now,
        ...(peer.alias === undefined ? {} : { alias: peer.alias })
      }
      const { autoAcceptDir: _old, ...rest } = base
      return { ...rest, trusted: trust === 'trusted', ...(auto ? { autoAcceptDir: record?.autoAcceptDir ?? downloadDir } : {}) }
    })
    return structuredClone(peer)
  }

  /**
   * Forgets a device the user removed: off the list and out of devices.json (trust, auto-accept, address). False when
   * it is not on the list. It comes back if it is seen again, as a device never dealt with.
   */
  async remove (peerId: string): Promise<boolean> {
    if (!this.#peers.delete(peerId)) return false
    this.#acknowledged.delete(peerId)
    this.#hub.emit('peers', this.list())
    await this.#store.update(peerId, () => undefined)
    return true
  }

  /** Resolves once every write to devices.json asked for so far is done (or failed). */
  async flush (): Promise<void> {
    await this.#store.settled()
  }

  #persist (write: Promise<unknown>): void {
    write.catch((err: unknown) => {
      this.#logger.error('saving devices.json failed', err)
      this.#hub.emit('error', { error: { name: 'StoreError', code: apiErrorCodes.saveFailed, message: 'Ferry could not save the list of devices' }, context: 'devices' })
    })
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
