// The addresses this computer answers on: the Host headers the server accepts (host-check.ts). Interfaces come and
// go (Wi-Fi, VPN), so the list is re-read, at most once a few seconds. The hosts a link is printed with are
// p2p-core's reachableHosts(), the rule the app and the CLI use too.

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
