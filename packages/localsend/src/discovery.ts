// LocalSend discovery (protocol v2, section 3.1): this device's announce on the multicast group (224.0.0.167:53317
// by default), sent a few times at start since a device that just started may not be ready to answer; others'
// announces answered with POST /register to the announcer, and a UDP `announce: false` message as the fallback
// older apps use when that request fails. Devices that announce, answer or register are kept (bounded, the one
// seen longest ago forgotten first) and reported.
//
// On Linux a socket bound to one interface's address never gets multicast: it binds 0.0.0.0 and joins the group
// on each interface's address instead (the same lesson as mDNS, DESIGN.md).

import { createSocket, type Socket } from 'node:dgram'
import { EventEmitter } from 'node:events'
import { networkInterfaces } from 'node:os'
import { silentLogger, type Logger } from '@ferry/p2p-core'
import type { LocalSendClient } from './client.ts'
import { resolveLocalSendLimits, type LocalSendLimits } from './limits.ts'
import { infoBody, LOCALSEND_MULTICAST_GROUP, LOCALSEND_PORT, multicastSchema, type LocalInfo } from './protocol.ts'
import type { LocalSendDevice } from './server.ts'

/** Delays before each message of the announce burst at start, in ms. */
export const ANNOUNCE_DELAYS_MS: readonly number[] = [100, 500, 2000]

export interface SeenDevice extends LocalSendDevice {
  /** How it was found: its announce, its answer to ours (HTTP or UDP), or its register request. */
  via: 'announce' | 'answer' | 'register'
  lastSeen: number
}

export interface LocalSendDiscoveryInit {
  /** This device as announced: its fingerprint, and the port and protocol of its LocalSend server. */
  info: () => LocalInfo
  /** Registers with announcers over HTTP(S). */
  client: LocalSendClient
  /** UDP port of the multicast group (LocalSend's default 53317). */
  port?: number
  group?: string
  /** IPv4 addresses of the interfaces to use; every non-internal IPv4 interface when omitted. */
  interfaces?: readonly string[]
  limits?: Partial<LocalSendLimits>
  logger?: Logger
}

export interface LocalSendDiscoveryEvents {
  device: [SeenDevice]
}

export function suitableInterfaces (): string[] {
  const found: string[] = []
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) found.push(info.address)
  }
  return found
}

export class LocalSendDiscovery extends EventEmitter<LocalSendDiscoveryEvents> {
  readonly limits: LocalSendLimits
  readonly #init: LocalSendDiscoveryInit
  readonly #logger: Logger
  readonly #devices = new Map<string, SeenDevice>()
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #closing = new AbortController()
  #socket: Socket | undefined
  #interfaces: string[] = []

  constructor (init: LocalSendDiscoveryInit) {
    super()
    this.#init = init
    this.limits = resolveLocalSendLimits(init.limits)
    this.#logger = init.logger ?? silentLogger
  }

  get #port (): number {
    return this.#init.port ?? LOCALSEND_PORT
  }

  get #group (): string {
    return this.#init.group ?? LOCALSEND_MULTICAST_GROUP
  }

  /** Binds, joins the group on each interface and sends the announce burst. */
  async start (): Promise<void> {
    const socket = createSocket({ type: 'udp4', reuseAddr: true })
    this.#socket = socket
    socket.on('message', (message, rinfo) => { this.#onMessage(message, rinfo.address) })
    socket.on('error', (err) => { this.#logger.debug('localsend multicast socket: %s', err.message) })
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(this.#port, '0.0.0.0', () => {
        socket.off('error', reject)
        resolve()
      })
    })
    this.#interfaces = [...(this.#init.interfaces ?? suitableInterfaces())]
    for (const address of this.#interfaces) {
      try {
        socket.addMembership(this.#group, address)
      } catch (err) {
        this.#logger.debug('localsend: cannot join %s on %s: %s', this.#group, address, (err as Error).message)
      }
    }
    socket.setMulticastTTL(1)
    for (const delay of ANNOUNCE_DELAYS_MS) this.#later(delay, () => { this.#sendMulticast(true) })
  }

  /** Announces this device again (a burst of one), e.g. when the user opens the Nearby screen. */
  announce (): void {
    this.#sendMulticast(true)
  }

  /** Devices seen, most recently seen first. */
  devices (): SeenDevice[] {
    return [...this.#devices.values()].reverse()
  }

  /** A device that registered with our server (POST /register). */
  addRegistered (device: LocalSendDevice): void {
    this.#see({ ...device, via: 'register', lastSeen: Date.now() })
  }

  async close (): Promise<void> {
    this.#closing.abort()
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    const socket = this.#socket
    this.#socket = undefined
    if (socket !== undefined) await new Promise<void>((resolve) => { socket.close(() => { resolve() }) })
  }

  #later (ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      run()
    }, ms)
    timer.unref()
    this.#timers.add(timer)
  }

  #sendMulticast (announce: boolean): void {
    const socket = this.#socket
    if (socket === undefined) return
    const message = Buffer.from(JSON.stringify({ ...infoBody(this.#init.info()), announce, announcement: announce }))
    const interfaces = this.#interfaces.length > 0 ? this.#interfaces : [undefined]
    for (const address of interfaces) {
      try {
        if (address !== undefined) socket.setMulticastInterface(address)
        socket.send(message, this.#port, this.#group, (err) => {
          if (err !== null) this.#logger.debug('localsend announce on %s: %s', address ?? 'default', err.message)
        })
      } catch (err) {
        this.#logger.debug('localsend announce on %s: %s', address ?? 'default', (err as Error).message)
      }
    }
  }

  #onMessage (datagram: Buffer, ip: string): void {
    if (datagram.byteLength > this.limits.maxDatagramBytes) return
    let value: unknown
    try {
      value = JSON.parse(datagram.toString('utf8'))
    } catch {
      return
    }
    const parsed = multicastSchema.safeParse(value)
    if (!parsed.success) return
    const { announce, ...info } = parsed.data
    const self = this.#init.info()
    if (info.fingerprint.toUpperCase() === self.fingerprint.toUpperCase()) return // our own announce, looped back
    const device: SeenDevice = { info, ip, port: info.port ?? LOCALSEND_PORT, protocol: info.protocol ?? 'https', via: announce ? 'announce' : 'answer', lastSeen: Date.now() }
    this.#see(device)
    if (announce) void this.#answer(device)
  }

  /** Answers an announce: POST /register to the announcer, or the UDP reply when that fails. */
  async #answer (device: SeenDevice): Promise<void> {
    try {
      const answer = await this.#init.client.register({ host: device.ip, port: device.port, protocol: device.protocol }, { signal: AbortSignal.any([this.#closing.signal, AbortSignal.timeout(5_000)]) })
      this.#see({ ...device, info: { ...device.info, ...answer, port: device.port, protocol: device.protocol }, ...(answer.certificateFingerprint === undefined ? {} : { certificateFingerprint: answer.certificateFingerprint }), via: 'answer', lastSeen: Date.now() })
    } catch (err) {
      if (this.#closing.signal.aborted) return
      this.#logger.debug('localsend register with %s failed (%s); answering over UDP', device.ip, (err as Error).message)
      this.#sendMulticast(false)
    }
  }

  #see (device: SeenDevice): void {
    const key = device.certificateFingerprint ?? device.info.fingerprint.toUpperCase()
    const known = this.#devices.get(key)
    this.#devices.delete(key) // re-inserted last: the Map's order is the order of last sight
    const merged = known?.certificateFingerprint !== undefined && device.certificateFingerprint === undefined
      ? { ...device, certificateFingerprint: known.certificateFingerprint }
      : device
    this.#devices.set(key, merged)
    while (this.#devices.size > this.limits.maxDevices) this.#devices.delete(this.#devices.keys().next().value as string)
    this.emit('device', merged)
  }
}
