// Where another device on the LAN can reach a socket of this computer, given where that socket is bound: one rule
// for the lines `ferry receive` prints, the app's device card and its ferry:// link, and share links (http-share).

import { networkInterfaces } from 'node:os'
import type { InterfaceTable } from '../discovery/interfaces.ts'

/** This computer, for a person sitting at it. */
export const LOOPBACK_HOST = '127.0.0.1'

/** A bind to every interface (0.0.0.0 or ::): no device can dial that host itself. */
export function isWildcardHost (host: string): boolean {
  return host === '0.0.0.0' || host === '::'
}

export interface ReachableHostsOptions {
  /** Put 127.0.0.1 first for a wildcard bind, for use on this computer too. Default false. */
  withLoopback?: boolean
  /** For tests: the interface table to read instead of the machine's. */
  interfaces?: InterfaceTable
}

/**
 * Hosts a socket bound to `boundHost` can be reached at: the bound host itself, or for a wildcard bind the IPv4
 * address of every interface that is not loopback, in the system's order (the first is the one a link shows).
 * Never empty: 127.0.0.1 stands in when no interface has a LAN address.
 */
export function reachableHosts (boundHost: string, options: ReachableHostsOptions = {}): string[] {
  if (!isWildcardHost(boundHost)) return [boundHost]
  const lan: string[] = []
  for (const list of Object.values(options.interfaces ?? networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal && !lan.includes(info.address)) lan.push(info.address)
  }
  if (options.withLoopback === true) return [LOOPBACK_HOST, ...lan]
  return lan.length > 0 ? lan : [LOOPBACK_HOST]
}
