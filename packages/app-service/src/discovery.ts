// Builds an app's Discovery for its engine (the `ferry` commands and the FerryService alike): mDNS advertising
// and/or browsing on the interfaces the engine can be reached on, plus the remembered devices of the trust store
// probed directly (for networks that drop multicast, and for loopback, where there is no multicast at all).

import { isIP } from 'node:net'
import { Discovery, isWildcardHost, type DiscoveryOptions, type FerryNode, type KnownPeer, type SuitableInterface } from '@ferry/p2p-core'
import type { TrustStore } from './trust/trust-store.ts'

export interface AppDiscoveryOptions {
  /** Announce this device (receive). */
  advertise: boolean
  /** Look for others over mDNS (peers, send, pair). */
  browse: boolean
  /** Probe the remembered devices directly (default true; a receiver has no need). */
  probeKnown?: boolean
  /** Timings and bounds; p2p-core's defaults otherwise (tests shorten them). */
  tuning?: Partial<DiscoveryOptions>
}

/** mDNS is on unless the command says --no-mdns or FERRY_NO_MDNS=1 is set (tests, locked-down hosts). */
export function mdnsEnabled (flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return flag !== false && env.FERRY_NO_MDNS !== '1'
}

/** Advertise only where the engine listens: every interface for a wildcard bind, one address, or none on loopback. */
export function interfaceFilterFor (host: string): (iface: SuitableInterface) => boolean {
  if (isWildcardHost(host)) return () => true
  if (isLoopbackHost(host)) return () => false
  return (iface) => iface.address === host
}

/** An engine bound here cannot be reached from another device, so there is nothing to announce. */
export function isLoopbackHost (host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1'
}

/** `host:port` as stored, back to an address ([v6]:port too). */
export function parseHostPort (text: string): { host: string, port: number } | undefined {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text)
  if (match === null || (isIP(match[1] as string) === 0 && !/^[a-zA-Z0-9.-]+$/.test(match[1] as string))) return undefined
  return { host: match[1] as string, port: Number(match[2]) }
}

/** The remembered devices to probe, most recently seen first, each at every address it was seen at. */
export function knownPeers (store: TrustStore): KnownPeer[] {
  return store.list()
    .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen))
    .flatMap((record) => {
      const addresses = record.addresses.flatMap((text) => parseHostPort(text) ?? [])
      return addresses.length === 0 ? [] : [{ addresses, peerId: record.peerId }]
    })
}

export function startDiscovery (node: FerryNode, store: TrustStore, options: AppDiscoveryOptions): Discovery {
  const discovery = new Discovery({
    self: { peerId: node.peerId, alias: node.alias, deviceType: node.deviceType, port: node.address.port },
    ping: async (request) => await node.ping(request),
    advertise: options.advertise,
    browse: options.browse,
    // Browsing looks at every interface; advertising only where the engine can be reached.
    interfaceFilter: options.advertise ? interfaceFilterFor(node.address.host) : () => true,
    ...(options.tuning === undefined ? {} : { options: options.tuning })
  })
  if (options.probeKnown !== false) discovery.addKnown(knownPeers(store))
  return discovery
}
