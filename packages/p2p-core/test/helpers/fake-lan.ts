// A fake multicast LAN for discovery tests: sockets made by its factory hear each other's announcements, queries
// and goodbyes, with the sending socket's interface address as the source. No packet leaves the process.

import type { SuitableInterface } from '../../src/discovery/interfaces.ts'
import type { BrowseListener, MdnsService, MdnsSocket, MdnsSocketFactory } from '../../src/discovery/mdns-socket.ts'
import type { InterfaceTable } from '../../src/discovery/interfaces.ts'

export class FakeSocket implements MdnsSocket {
  readonly iface: SuitableInterface
  readonly published: Array<{ name: string, host: string, port: number, txt: Record<string, string> }> = []
  readonly rounds = new Set<BrowseListener>()
  closed = false
  /** A crashed socket goes silent without a goodbye. */
  crashed = false
  readonly #lan: FakeLan

  constructor (lan: FakeLan, iface: SuitableInterface) {
    this.#lan = lan
    this.iface = iface
  }

  get alive (): boolean {
    return !this.closed && !this.crashed
  }

  publish (service: { name: string, host: string, port: number, txt: Record<string, string> }): void {
    this.published.push(service)
    for (const other of this.#lan.others(this)) for (const round of other.rounds) round.up(this.service(service))
  }

  browse (listener: BrowseListener): { stop: () => void } {
    this.rounds.add(listener)
    this.#lan.queries++
    for (const other of this.#lan.others(this)) for (const service of other.published) listener.up(other.service(service))
    return { stop: () => { this.rounds.delete(listener) } }
  }

  async close (): Promise<void> {
    if (this.closed) return
    if (!this.crashed) for (const other of this.#lan.others(this)) for (const round of other.rounds) for (const s of this.published) round.down(this.service(s))
    this.closed = true
  }

  service (s: { name: string, port: number, txt: Record<string, string> }): MdnsService {
    return { name: s.name, port: s.port, txt: { ...s.txt }, from: this.iface.address, addresses: [this.iface.address] }
  }
}

export class FakeLan {
  readonly sockets: FakeSocket[] = []
  queries = 0

  readonly factory: MdnsSocketFactory = (iface) => {
    const socket = new FakeSocket(this, iface)
    this.sockets.push(socket)
    return socket
  }

  others (self: FakeSocket): FakeSocket[] {
    return this.sockets.filter((s) => s !== self && s.alive)
  }
}

/** An interface table with one IPv4 /24 address per entry, shaped like os.networkInterfaces(). */
export function interfaceTable (entries: Record<string, string>): InterfaceTable {
  const table: InterfaceTable = { lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }] }
  for (const [name, address] of Object.entries(entries)) {
    table[name] = [{ address, netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: `${address}/24` }]
  }
  return table
}
