// Which network interfaces mDNS runs on, and noticing when they change. Suitable: up, not loopback, with an
// address; IPv4 addresses each get a socket, IPv6 one per interface (its link-local address, where ff02::fb lives).
// Changes are found by polling os.networkInterfaces(): Node has no portable change event, and a poll every few
// seconds costs nothing.

import { EventEmitter } from 'node:events'
import { isIPv4 } from 'node:net'
import { networkInterfaces as osNetworkInterfaces, type NetworkInterfaceInfo } from 'node:os'

export type InterfaceTable = NodeJS.Dict<NetworkInterfaceInfo[]>

export interface SuitableInterface {
  /** OS name, e.g. `eth0`. */
  name: string
  address: string
  family: 'IPv4' | 'IPv6'
  netmask: string
}

/** Stable identity of an interface entry, for change detection and socket bookkeeping. */
export function interfaceKey (iface: SuitableInterface): string {
  return `${iface.name}|${iface.family}|${iface.address}`
}

export function suitableInterfaces (table: InterfaceTable): SuitableInterface[] {
  const out: SuitableInterface[] = []
  for (const [name, infos] of Object.entries(table)) {
    let haveV6 = false
    for (const info of infos ?? []) {
      if (info.internal) continue
      if (info.family === 'IPv4') {
        out.push({ name, address: info.address, family: 'IPv4', netmask: info.netmask })
      } else if (!haveV6 && info.address.toLowerCase().startsWith('fe80:')) {
        haveV6 = true
        out.push({ name, address: info.address, family: 'IPv6', netmask: info.netmask })
      }
    }
  }
  return out
}

function ipv4ToInt (address: string): number {
  return address.split('.').reduce((n, part) => (n * 256) + Number(part), 0)
}

/** Whether `address` (IPv4) is on the subnet of one of `interfaces`: an address a peer can reach us from directly. */
export function onLocalSubnet (address: string, interfaces: readonly SuitableInterface[]): boolean {
  if (!isIPv4(address)) return false
  const a = ipv4ToInt(address)
  return interfaces.some((iface) => {
    if (iface.family !== 'IPv4' || !isIPv4(iface.netmask)) return false
    const mask = ipv4ToInt(iface.netmask)
    // Bitwise ops in JS are signed 32-bit; compare via unsigned shifts.
    return ((a & mask) >>> 0) === ((ipv4ToInt(iface.address) & mask) >>> 0)
  })
}

export interface InterfaceWatcherInit {
  /** ms between polls. */
  pollMs: number
  /** Keeps only the interfaces mDNS may use (e.g. the one the engine is bound to). */
  filter?: (iface: SuitableInterface) => boolean
  /** For tests: the interface table to read instead of the machine's. */
  read?: () => InterfaceTable
}

export interface InterfaceWatcherEvents {
  change: [interfaces: SuitableInterface[]]
}

/** Polls the interface table and emits `change` with the whole new list whenever the set of suitable ones changes. */
export class InterfaceWatcher extends EventEmitter<InterfaceWatcherEvents> {
  readonly #init: InterfaceWatcherInit
  #current: SuitableInterface[] = []
  #timer: NodeJS.Timeout | undefined

  constructor (init: InterfaceWatcherInit) {
    super()
    this.#init = init
    this.#current = this.#read()
  }

  get current (): SuitableInterface[] {
    return this.#current
  }

  start (): void {
    this.#timer ??= setInterval(() => { this.poll() }, this.#init.pollMs)
    this.#timer.unref()
  }

  /** Reads the table now; emits `change` if it differs. */
  poll (): void {
    const next = this.#read()
    const key = (list: SuitableInterface[]): string => list.map(interfaceKey).sort().join(',')
    if (key(next) === key(this.#current)) return
    this.#current = next
    this.emit('change', next)
  }

  stop (): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  #read (): SuitableInterface[] {
    const all = suitableInterfaces((this.#init.read ?? osNetworkInterfaces)())
    return this.#init.filter === undefined ? all : all.filter(this.#init.filter)
  }
}

/** One resource per suitable interface (an mDNS socket), opened and closed as the interface list changes. */
export class PerInterface<T> {
  readonly #items = new Map<string, { iface: SuitableInterface, item: T }>()
  readonly #open: (iface: SuitableInterface) => T
  readonly #close: (item: T) => Promise<void>

  constructor (open: (iface: SuitableInterface) => T, close: (item: T) => Promise<void>) {
    this.#open = open
    this.#close = close
  }

  /** Closes the resources of interfaces no longer listed and opens one for each new interface. */
  update (interfaces: readonly SuitableInterface[]): void {
    const wanted = new Map(interfaces.map((iface) => [interfaceKey(iface), iface]))
    for (const [key, { item }] of this.#items) {
      if (wanted.has(key)) continue
      this.#items.delete(key)
      void this.#close(item).catch(() => {})
    }
    for (const [key, iface] of wanted) {
      if (!this.#items.has(key)) this.#items.set(key, { iface, item: this.#open(iface) })
    }
  }

  entries (): Array<{ iface: SuitableInterface, item: T }> {
    return [...this.#items.values()]
  }

  async closeAll (): Promise<void> {
    const items = [...this.#items.values()]
    this.#items.clear()
    await Promise.all(items.map(async ({ item }) => await this.#close(item).catch(() => {})))
  }
}
