// Browses for Ferry devices over mDNS on every suitable interface. Each interface runs a fresh browse round every
// `queryIntervalMs`: a new round queries at once and reports every device that answers, so each live device is
// seen again every round and the directory's TTL can drop one that stopped answering within seconds (the
// library's own expiry follows the 120 s record TTL). A goodbye is passed on at once.

import { isIPv4 } from 'node:net'
import type { Logger } from '../logger.ts'
import type { PeerAddress } from '../transport/types.ts'
import { PerInterface, onLocalSubnet, type SuitableInterface } from './interfaces.ts'
import type { MdnsService, MdnsSocket, MdnsSocketFactory } from './mdns-socket.ts'
import type { Sighting } from './peer-directory.ts'
import { decodeTxt } from './txt-record.ts'

export interface MdnsBrowserInit {
  selfPeerId: string
  factory: MdnsSocketFactory
  queryIntervalMs: number
  logger: Logger
  /** The interfaces in use now, to pick a reachable address from an answer that came over IPv6. */
  interfaces: () => readonly SuitableInterface[]
  onSighting: (sighting: Sighting) => void
  onGoodbye: (peerId: string) => void
}

interface BrowsingSocket {
  socket: MdnsSocket
  round: { stop: () => void }
  timer: NodeJS.Timeout
}

/**
 * The address to dial from an answer: its IPv4 source, or (an answer over IPv6 comes from a link-local address,
 * which the QUIC transport cannot dial) an IPv4 address it lists on one of our subnets.
 */
export function dialableAddress (service: MdnsService, port: number, interfaces: readonly SuitableInterface[]): PeerAddress | undefined {
  if (service.from !== undefined && isIPv4(service.from)) return { host: service.from, port }
  const host = service.addresses.find((a) => onLocalSubnet(a, interfaces))
  return host === undefined ? undefined : { host, port }
}

export class MdnsBrowser {
  readonly #init: MdnsBrowserInit
  readonly #sockets: PerInterface<BrowsingSocket>

  constructor (init: MdnsBrowserInit) {
    this.#init = init
    this.#sockets = new PerInterface((iface: SuitableInterface) => {
      const socket = init.factory(iface, (err) => { init.logger.warn(`mDNS browsing on ${iface.name} ${iface.address} failed`, err) })
      const browsing: BrowsingSocket = { socket, round: socket.browse(this.#listener()), timer: setInterval(() => {
        browsing.round.stop()
        browsing.round = socket.browse(this.#listener())
      }, init.queryIntervalMs) }
      browsing.timer.unref()
      return browsing
    }, async (browsing) => {
      clearInterval(browsing.timer)
      browsing.round.stop()
      await browsing.socket.close()
    })
  }

  update (interfaces: readonly SuitableInterface[]): void {
    this.#sockets.update(interfaces)
  }

  async close (): Promise<void> {
    await this.#sockets.closeAll()
  }

  #listener (): { up: (s: MdnsService) => void, down: (s: MdnsService) => void } {
    const { selfPeerId, logger } = this.#init
    return {
      up: (service) => {
        const ad = decodeTxt(service.txt)
        if (ad === undefined) {
          logger.debug(`ignoring mDNS service ${service.name}: not a Ferry TXT record of this protocol version`)
          return
        }
        if (ad.peerId === selfPeerId) return
        const address = dialableAddress(service, service.port > 0 ? service.port : ad.port, this.#init.interfaces())
        this.#init.onSighting({
          peerId: ad.peerId,
          source: 'mdns',
          ...(address === undefined ? {} : { address }),
          ...(ad.alias === undefined ? {} : { alias: ad.alias }),
          ...(ad.deviceType === undefined ? {} : { deviceType: ad.deviceType })
        })
      },
      down: (service) => {
        const ad = decodeTxt(service.txt)
        if (ad !== undefined && ad.peerId !== selfPeerId) this.#init.onGoodbye(ad.peerId)
      }
    }
  }
}
