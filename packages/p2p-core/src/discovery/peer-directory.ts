// The one list of peers nearby, merged from every source (mDNS answers, addresses the user typed, remembered
// devices that answered a probe) into a stream of `appeared`, `updated` and `gone`. Each source's sighting of an
// address lives for `peerTtlMs`; a peer is gone when its last sighting expires (or its last source says goodbye).
// The list is bounded: past `maxPeers` new peers are ignored, past `maxAddressesPerPeer` a peer's oldest address
// is dropped, so a flood of fake announcements costs a fixed amount of memory.

import { EventEmitter } from 'node:events'
import { shortCodeFor } from '../identity/identity.ts'
import { aliasKey } from './alias-key.ts'
import type { DeviceType } from '../protocol/messages.ts'
import type { PeerAddress } from '../transport/types.ts'

/** Where a sighting came from: an mDNS answer, an address typed in this session, or a remembered device. */
export type DiscoverySource = 'mdns' | 'manual' | 'known'

export interface Sighting {
  peerId: string
  source: DiscoverySource
  /** Where it can be dialled; an mDNS answer over IPv6 alone may have none. */
  address?: PeerAddress
  alias?: string
  deviceType?: DeviceType
}

export interface DiscoveredPeer {
  peerId: string
  shortCode: string
  alias?: string
  deviceType?: DeviceType
  /** Dialable addresses, in the order first seen. */
  addresses: PeerAddress[]
  sources: DiscoverySource[]
  /** Date.now() of the latest sighting. */
  lastSeen: number
}

export interface PeerDirectoryEvents {
  appeared: [peer: DiscoveredPeer]
  /** Alias, device type, addresses or sources changed (not merely seen again). */
  updated: [peer: DiscoveredPeer]
  gone: [peer: DiscoveredPeer]
}

export interface PeerDirectoryOptions {
  peerTtlMs: number
  maxPeers: number
  maxAddressesPerPeer: number
}

interface Entry {
  source: DiscoverySource
  address?: PeerAddress
  lastSeen: number
}

interface PeerState {
  peerId: string
  shortCode: string
  alias?: string
  deviceType?: DeviceType
  entries: Map<string, Entry>
  /** What the events showed last; undefined until the first `appeared`. */
  view?: DiscoveredPeer
}

const SOURCE_ORDER: readonly DiscoverySource[] = ['manual', 'known', 'mdns']

function hostPort (address: PeerAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`
}

/** A short code as typed (`k7q2-9mxd`, `K7Q29MXD`) in the form shortCodeFor prints, or undefined. */
export function normalizeShortCode (input: string): string | undefined {
  const compact = input.trim().toUpperCase().replace(/[\s-]/g, '')
  return /^[0-9A-HJKMNP-TV-Z]{8}$/.test(compact) ? `${compact.slice(0, 4)}-${compact.slice(4)}` : undefined
}

/** How `query` names the peer: by device id, by short code, by alias, or not at all. */
export function matchPeer (peer: { peerId: string, shortCode: string, alias?: string }, query: string): 'id' | 'code' | 'alias' | undefined {
  const q = query.trim()
  if (q === peer.peerId) return 'id'
  if (normalizeShortCode(q) === peer.shortCode) return 'code'
  if (peer.alias !== undefined && q !== '' && aliasKey(peer.alias) === aliasKey(q)) return 'alias'
  return undefined
}

export class PeerDirectory extends EventEmitter<PeerDirectoryEvents> {
  readonly #options: PeerDirectoryOptions
  readonly #now: () => number
  readonly #peers = new Map<string, PeerState>()

  constructor (options: PeerDirectoryOptions, now: () => number = Date.now) {
    super()
    this.#options = options
    this.#now = now
  }

  /** Records a sighting; false when the directory is full and the peer is new. */
  report (sighting: Sighting): boolean {
    const now = this.#now()
    let state = this.#peers.get(sighting.peerId)
    if (state === undefined) {
      if (this.#peers.size >= this.#options.maxPeers) return false
      state = { peerId: sighting.peerId, shortCode: shortCodeFor(sighting.peerId), entries: new Map() }
      this.#peers.set(sighting.peerId, state)
    }
    const key = `${sighting.source}|${sighting.address === undefined ? '' : hostPort(sighting.address)}`
    const existing = state.entries.get(key)
    if (existing !== undefined) existing.lastSeen = now
    else state.entries.set(key, { source: sighting.source, ...(sighting.address === undefined ? {} : { address: sighting.address }), lastSeen: now })
    this.#boundAddresses(state)
    if (sighting.alias !== undefined) state.alias = sighting.alias
    if (sighting.deviceType !== undefined) state.deviceType = sighting.deviceType
    this.#publish(state)
    return true
  }

  /** Forgets what `source` said about a peer (an mDNS goodbye, a probe target removed). */
  lose (peerId: string, source: DiscoverySource): void {
    const state = this.#peers.get(peerId)
    if (state === undefined) return
    for (const [key, entry] of state.entries) if (entry.source === source) state.entries.delete(key)
    this.#publish(state)
  }

  /** Expires sightings older than peerTtlMs; peers left with none are gone. */
  sweep (): void {
    const oldest = this.#now() - this.#options.peerTtlMs
    for (const state of [...this.#peers.values()]) {
      let changed = false
      for (const [key, entry] of state.entries) {
        if (entry.lastSeen < oldest) {
          state.entries.delete(key)
          changed = true
        }
      }
      if (changed) this.#publish(state)
    }
  }

  get (peerId: string): DiscoveredPeer | undefined {
    return this.#peers.get(peerId)?.view
  }

  list (): DiscoveredPeer[] {
    return [...this.#peers.values()].flatMap((s) => s.view === undefined ? [] : [s.view])
  }

  /** Peers that `query` names by device id, short code or alias (case-insensitive). */
  find (query: string): DiscoveredPeer[] {
    return this.list().filter((peer) => matchPeer(peer, query) !== undefined)
  }

  /** Drops everything without events (closing). */
  clear (): void {
    this.#peers.clear()
  }

  #boundAddresses (state: PeerState): void {
    const addressed = [...state.entries.entries()].filter(([, e]) => e.address !== undefined)
    const distinct = new Set(addressed.map(([, e]) => hostPort(e.address as PeerAddress)))
    if (distinct.size <= this.#options.maxAddressesPerPeer) return
    // Drop the stalest addresses (every source's sighting of them) until the cap holds.
    const byAge = [...addressed].sort((a, b) => a[1].lastSeen - b[1].lastSeen)
    for (const [key, entry] of byAge) {
      if (distinct.size <= this.#options.maxAddressesPerPeer) break
      const hp = hostPort(entry.address as PeerAddress)
      state.entries.delete(key)
      if (![...state.entries.values()].some((e) => e.address !== undefined && hostPort(e.address) === hp)) distinct.delete(hp)
    }
  }

  #publish (state: PeerState): void {
    if (state.entries.size === 0) {
      this.#peers.delete(state.peerId)
      if (state.view !== undefined) this.emit('gone', state.view)
      return
    }
    const previous = state.view
    const view = this.#view(state)
    state.view = view
    if (previous === undefined) {
      this.emit('appeared', view)
      return
    }
    const shape = (p: DiscoveredPeer): string => JSON.stringify([p.alias, p.deviceType, p.addresses, p.sources])
    if (shape(previous) !== shape(view)) this.emit('updated', view)
  }

  #view (state: PeerState): DiscoveredPeer {
    const addresses = new Map<string, PeerAddress>()
    const sources = new Set<DiscoverySource>()
    let lastSeen = 0
    for (const entry of state.entries.values()) {
      if (entry.address !== undefined && !addresses.has(hostPort(entry.address))) addresses.set(hostPort(entry.address), entry.address)
      sources.add(entry.source)
      lastSeen = Math.max(lastSeen, entry.lastSeen)
    }
    return {
      peerId: state.peerId,
      shortCode: state.shortCode,
      ...(state.alias === undefined ? {} : { alias: state.alias }),
      ...(state.deviceType === undefined ? {} : { deviceType: state.deviceType }),
      addresses: [...addresses.values()],
      sources: SOURCE_ORDER.filter((s) => sources.has(s)),
      lastSeen
    }
  }
}
