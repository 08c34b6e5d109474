// The addresses this computer answers on: the hosts a share link is printed with, and the Host headers the server
// accepts (host-check.ts). Interfaces come and go (Wi-Fi, VPN), so the list is re-read, at most once a few seconds.

import { networkInterfaces } from 'node:os'

/** How long a read of the interface list is reused, in ms. */
const INTERFACE_CACHE_MS = 5_000

let cached: { at: number, addresses: string[] } | undefined

/** Every IPv4 and IPv6 address of every interface, loopback included (IPv6 without zone). */
export function localAddresses (now = Date.now()): string[] {
  if (cached !== undefined && now - cached.at < INTERFACE_CACHE_MS) return cached.addresses
  const addresses = ['127.0.0.1', '::1']
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      const address = info.address.split('%')[0] ?? info.address
      if (!addresses.includes(address)) addresses.push(address)
    }
  }
  cached = { at: now, addresses }
  return addresses
}

/** Hosts a browser on the LAN can use for a server bound to `boundHost`: 127.0.0.1 first, then LAN IPv4 addresses. */
export function linkHosts (boundHost: string): string[] {
  if (boundHost !== '0.0.0.0' && boundHost !== '::') return [boundHost]
  const hosts = ['127.0.0.1']
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) hosts.push(info.address)
  }
  return hosts
}

/** `host:port` as a URL authority (IPv6 in brackets). */
export function authority (host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}
