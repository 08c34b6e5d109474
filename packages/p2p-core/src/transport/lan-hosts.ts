// Where another device on the LAN can reach a socket of this computer, given where that socket is bound: one rule
// for the lines `ferry receive` prints, the app's device card and its ferry:// link, and share links (http-share).
// Best first (issue 15: the app's share link and QR code pointed at 127.0.0.1, which a phone cannot open): the
// address of the interface that carries the default route (on a laptop the Wi-Fi, not a container bridge or a VPN),
// then the other private LAN addresses, then the rest; link-local ones last. The default route is read from Linux's
// /proc/net/route; where there is no such file the order falls back to private ranges first and interfaces whose
// names look virtual (docker0, vboxnet0, utun2...) after the others.

import { readFileSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import type { InterfaceTable } from '../discovery/interfaces.ts'

/** This computer, for a person sitting at it. */
export const LOOPBACK_HOST = '127.0.0.1'

/** A bind to every interface (0.0.0.0 or ::): no device can dial that host itself. */
export function isWildcardHost (host: string): boolean {
  return host === '0.0.0.0' || host === '::'
}

export interface ReachableHostsOptions {
  /**
   * For a wildcard bind, add 127.0.0.1 for use on this computer too: first (true: lines a person at this computer
   * reads, `ferry receive`) or last ('last': a link whose first host other devices open, share links). Default false.
   */
  withLoopback?: boolean | 'last'
  /** For tests: the interface table to read instead of the machine's. */
  interfaces?: InterfaceTable
  /** For tests: the default route's interface (null: none), instead of reading the routing table. */
  defaultInterface?: string | null
}

/** Names of interfaces that are usually not the one other devices reach: containers, VMs, tunnels, VPNs. */
const VIRTUAL_INTERFACE = /^(docker|br-|veth|virbr|vboxnet|vmnet|vethernet|utun|tun|tap|wg|zt|tailscale|llw|awdl|anpi|bridge)/i

/**
 * The interface of the lowest-metric default route in Linux's /proc/net/route text (Destination and Mask 00000000,
 * route up), or undefined when there is none.
 */
export function defaultRouteInterface (routeTable: string): string | undefined {
  let best: { name: string, metric: number } | undefined
  for (const line of routeTable.split('\n').slice(1)) {
    const [name, destination, , flags, , , metric, mask] = line.trim().split(/\s+/)
    if (name === undefined || destination !== '00000000' || mask !== '00000000') continue
    // RTF_UP (0x1): a route that is down carries nothing.
    if ((Number.parseInt(flags ?? '0', 16) & 1) === 0) continue
    const m = Number.parseInt(metric ?? '', 10)
    const rank = Number.isFinite(m) ? m : Number.MAX_SAFE_INTEGER
    if (best === undefined || rank < best.metric) best = { name, metric: rank }
  }
  return best?.name
}

function readDefaultInterface (): string | undefined {
  try {
    return defaultRouteInterface(readFileSync('/proc/net/route', 'utf8'))
  } catch {
    return undefined
  }
}

const isPrivate = (a: string): boolean => /^10\./.test(a) || /^192\.168\./.test(a) || /^172\.(1[6-9]|2\d|3[01])\./.test(a)
const isLinkLocal = (a: string): boolean => a.startsWith('169.254.')

/**
 * Hosts a socket bound to `boundHost` can be reached at: the bound host itself, or for a wildcard bind the IPv4
 * address of every interface that is not loopback, best first (the first is the one a link shows). Never empty:
 * 127.0.0.1 stands in when no interface has a LAN address.
 */
export function reachableHosts (boundHost: string, options: ReachableHostsOptions = {}): string[] {
  if (!isWildcardHost(boundHost)) return [boundHost]
  // An injected table (a test) is not paired with this machine's routing table unless one is given too.
  const route = options.defaultInterface !== undefined ? (options.defaultInterface ?? undefined) : options.interfaces === undefined ? readDefaultInterface() : undefined
  const ranked: Array<{ address: string, rank: number, order: number }> = []
  for (const [name, list] of Object.entries(options.interfaces ?? networkInterfaces())) {
    for (const info of list ?? []) {
      if (info.family !== 'IPv4' || info.internal || ranked.some((r) => r.address === info.address)) continue
      const a = info.address
      const rank = name === route ? 0 : isLinkLocal(a) ? 4 : VIRTUAL_INTERFACE.test(name) ? 3 : isPrivate(a) ? 1 : 2
      ranked.push({ address: a, rank, order: ranked.length })
    }
  }
  const lan = ranked.sort((x, y) => x.rank - y.rank || x.order - y.order).map((r) => r.address)
  if (options.withLoopback === true) return [LOOPBACK_HOST, ...lan]
  if (options.withLoopback === 'last') return [...lan, LOOPBACK_HOST]
  return lan.length > 0 ? lan : [LOOPBACK_HOST]
}
