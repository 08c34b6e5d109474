// Advertises this device over mDNS/DNS-SD on every suitable interface: one socket per interface address, each
// announcing the service when it opens (at once, then after 1 s, 3 s, 9 s, ... as the library spaces them) and
// answering queries. A new interface gets a socket and an announcement; a closed advertiser says goodbye (TTL 0),
// so peers drop it at once instead of waiting for their TTL.

import type { Logger } from '../logger.ts'
import type { DeviceType } from '../protocol/messages.ts'
import { PerInterface, type SuitableInterface } from './interfaces.ts'
import type { MdnsSocket, MdnsSocketFactory } from './mdns-socket.ts'
import { encodeTxt } from './txt-record.ts'

export interface MdnsAdvertiserInit {
  self: { peerId: string, alias: string, deviceType: DeviceType, port: number }
  factory: MdnsSocketFactory
  logger: Logger
}

export class MdnsAdvertiser {
  readonly #sockets: PerInterface<MdnsSocket>
  #self: MdnsAdvertiserInit['self']

  constructor (init: MdnsAdvertiserInit) {
    const { logger } = init
    this.#self = init.self
    this.#sockets = new PerInterface((iface: SuitableInterface) => {
      const self = this.#self
      const txt = encodeTxt(self)
      const socket = init.factory(iface, (err) => { logger.warn(`mDNS advertising on ${iface.name} ${iface.address} failed`, err) })
      // The instance name and host are the peer id: unique on any LAN, so no name probing is needed.
      socket.publish({ name: self.peerId, host: `${self.peerId}.local`, port: self.port, txt })
      logger.debug(`advertising on ${iface.name} ${iface.address}`)
      return socket
    }, async (socket) => { await socket.close() })
  }

  update (interfaces: readonly SuitableInterface[]): void {
    this.#sockets.update(interfaces)
  }

  /**
   * Announces a new alias: every socket says goodbye and a new one announces the new record. Peers see the device
   * leave and come back at once, with its new name.
   */
  async setAlias (alias: string): Promise<void> {
    if (alias === this.#self.alias) return
    this.#self = { ...this.#self, alias }
    const interfaces = this.#sockets.entries().map((entry) => entry.iface)
    await this.#sockets.closeAll()
    this.#sockets.update(interfaces)
  }

  async close (): Promise<void> {
    await this.#sockets.closeAll()
  }
}
