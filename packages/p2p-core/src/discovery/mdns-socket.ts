// The one place that touches bonjour-service: one mDNS socket on one interface address, able to publish our
// service and to run browse rounds. Two quirks live here. Linux delivers multicast to its socket only when it is
// bound to the wildcard and joined on the interface (`{ interface: ip, bind: '0.0.0.0' }`; for IPv6
// `{ type: 'udp6', ip: 'ff02::fb', interface: '::%eth0', bind: '::' }`). And the library's socket emits 'error'
// with no listener attached (a crash on EADDRINUSE), so we attach one through its private `server.mdns`. The
// library is loaded on first use, so a process that never runs mDNS does not pay for loading it.

import type { EventEmitter } from 'node:events'
import { createRequire } from 'node:module'
import { settleWithin } from '../async/deadline.ts'
import type { Bonjour as BonjourClass, Service, ServiceConfig } from 'bonjour-service'
import type { SuitableInterface } from './interfaces.ts'
import { SERVICE_PROTOCOL, SERVICE_TYPE } from './txt-record.ts'

/** A service instance as one response showed it. */
export interface MdnsService {
  /** Instance name (ours: the peer id). */
  name: string
  port: number
  /** Decoded TXT pairs, unchecked. */
  txt: unknown
  /** Source address of the response that carried it (IPv6 link-local ones carry `%iface`). */
  from?: string
  /** A and AAAA records of its host from the same response. */
  addresses: string[]
}

export interface BrowseListener {
  up: (service: MdnsService) => void
  /** A goodbye (TTL 0) for a service this round had seen. */
  down: (service: MdnsService) => void
}

export interface MdnsSocket {
  publish: (service: { name: string, host: string, port: number, txt: Record<string, string> }) => void
  /** Starts a browse round: a query now, and every answer reported until stop(). */
  browse: (listener: BrowseListener) => { stop: () => void }
  /** Says goodbye for what was published (TTL 0), then closes the socket. */
  close: () => Promise<void>
}

export type MdnsSocketFactory = (iface: SuitableInterface, onError: (err: Error) => void) => MdnsSocket

/** Longest wait for the goodbye to go out when closing, in ms. */
const GOODBYE_MS = 1_000

function toService (service: Service): MdnsService {
  return {
    name: service.name,
    port: service.port,
    txt: service.txt as unknown,
    ...(service.referer?.address === undefined ? {} : { from: service.referer.address }),
    addresses: [...(service.addresses ?? [])]
  }
}

let Bonjour: typeof BonjourClass | undefined

export const createBonjourSocket: MdnsSocketFactory = (iface, onError) => {
  Bonjour ??= (createRequire(import.meta.url)('bonjour-service') as { Bonjour: typeof BonjourClass }).Bonjour
  const options: Record<string, unknown> = iface.family === 'IPv4'
    ? { interface: iface.address, bind: '0.0.0.0' }
    : { type: 'udp6', ip: 'ff02::fb', interface: `::%${iface.name}`, bind: '::' }
  const bonjour = new Bonjour(options as Partial<ServiceConfig>, (err: unknown) => { onError(err instanceof Error ? err : new Error(String(err))) })
  const mdns = (bonjour as unknown as { server: { mdns: EventEmitter } }).server.mdns
  mdns.on('error', (err: Error) => { onError(err) })
  mdns.on('warning', () => {}) // unparsable packets and failed memberships on a busy LAN: not ours to report
  let closed = false
  return {
    publish (service) {
      bonjour.publish({ ...service, type: SERVICE_TYPE, protocol: SERVICE_PROTOCOL, probe: false })
    },
    browse (listener) {
      const browser = bonjour.find({ type: SERVICE_TYPE, protocol: SERVICE_PROTOCOL })
      const up = (s: Service): void => { listener.up(toService(s)) }
      browser.on('up', up)
      browser.on('txt-update', up)
      browser.on('srv-update', up)
      browser.on('down', (s: Service) => { listener.down(toService(s)) })
      return { stop: () => { browser.stop(); browser.removeAllListeners() } }
    },
    async close () {
      if (closed) return
      closed = true
      await settleWithin(new Promise<void>((resolve) => { bonjour.unpublishAll(() => { resolve() }) }), GOODBYE_MS)
      await new Promise<void>((resolve) => { bonjour.destroy(() => { resolve() }) })
    }
  }
}
