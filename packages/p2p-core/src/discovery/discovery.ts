// Discovery: how this device finds others and is found. It merges three sources into one PeerDirectory event
// stream: mDNS/DNS-SD on every suitable interface (advertising and browsing, re-done when interfaces change),
// addresses the user typed (`HOST:PORT[/ID]`, a ferry:// link or its QR code), and remembered devices probed
// directly, for networks that drop multicast. It reports what it sees; whom to trust is the app's decision.

import { EventEmitter } from 'node:events'
import { settleWithin } from '../async/deadline.ts'
import { deferred } from '../async/deferred.ts'
import { silentLogger, type Logger } from '../logger.ts'
import type { DeviceType } from '../protocol/messages.ts'
import type { PeerAddress } from '../transport/types.ts'
import { InterfaceWatcher, type InterfaceTable, type SuitableInterface } from './interfaces.ts'
import { MdnsAdvertiser } from './mdns-advertiser.ts'
import { MdnsBrowser } from './mdns-browser.ts'
import { createBonjourSocket, type MdnsSocketFactory } from './mdns-socket.ts'
import { PeerDirectory, type DiscoveredPeer, type PeerDirectoryEvents } from './peer-directory.ts'
import { PeerProber, type PingFn } from './probe.ts'

export interface DiscoveryOptions {
  /** ms between mDNS browse rounds (queries) on each interface. */
  mdnsQueryIntervalMs: number
  /** ms a sighting stays valid; a peer with none left is gone. */
  peerTtlMs: number
  /** ms between checks of the interface table. */
  interfacePollMs: number
  /** ms between probes of a manual or known address that answers. */
  probeIntervalMs: number
  /** ms a probe may take (dial, hello, ping, pong). */
  probeTimeoutMs: number
  /** Longest gap between probes of an address that does not answer, in ms. */
  probeBackoffMaxMs: number
  /** Most peers listed at once. */
  maxPeers: number
  /** Most addresses kept per peer. */
  maxAddressesPerPeer: number
  /** Most probe targets: typed addresses plus remembered devices (each with all its addresses). */
  maxProbeTargets: number
}

export const defaultDiscoveryOptions: Readonly<DiscoveryOptions> = Object.freeze({
  mdnsQueryIntervalMs: 2_000,
  peerTtlMs: 8_000,
  interfacePollMs: 3_000,
  probeIntervalMs: 3_000,
  probeTimeoutMs: 2_000,
  probeBackoffMaxMs: 15_000,
  maxPeers: 256,
  maxAddressesPerPeer: 8,
  maxProbeTargets: 64
})

/** ms between checks for expired sightings. */
const SWEEP_MS = 250

export function resolveDiscoveryOptions (partial: Partial<DiscoveryOptions> = {}): DiscoveryOptions {
  const options = { ...defaultDiscoveryOptions, ...partial }
  for (const [key, value] of Object.entries(options)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`Discovery option ${key} must be a positive integer, got ${String(value)}`)
  }
  // A live peer must be seen again before its sighting expires, or it would flicker in and out.
  if (options.peerTtlMs <= options.mdnsQueryIntervalMs || options.peerTtlMs <= options.probeIntervalMs) {
    throw new RangeError('peerTtlMs must exceed mdnsQueryIntervalMs and probeIntervalMs')
  }
  return options
}

export interface DiscoveryInit {
  /** This device, as advertised; its own answers are never listed. */
  self: { peerId: string, alias: string, deviceType: DeviceType, port: number }
  /** Probes an address (FerryNode.ping). */
  ping: PingFn
  /** Announce this device over mDNS. */
  advertise: boolean
  /** Look for others over mDNS. */
  browse: boolean
  /** Keeps only the interfaces mDNS may use (e.g. the one the engine listens on). */
  interfaceFilter?: (iface: SuitableInterface) => boolean
  options?: Partial<DiscoveryOptions>
  logger?: Logger
  /** For tests: the interface table and the mDNS sockets to use instead of the machine's. */
  readInterfaces?: () => InterfaceTable
  socketFactory?: MdnsSocketFactory
  now?: () => number
}

export interface KnownPeer {
  /** Where it was seen, most recent first; a probe tries each in turn. */
  addresses: PeerAddress[]
  peerId: string
}

export class Discovery extends EventEmitter<PeerDirectoryEvents> {
  readonly options: DiscoveryOptions
  readonly #directory: PeerDirectory
  readonly #prober: PeerProber
  readonly #watcher: InterfaceWatcher | undefined
  readonly #advertiser: MdnsAdvertiser | undefined
  readonly #browser: MdnsBrowser | undefined
  readonly #sweep: NodeJS.Timeout
  readonly #logger: Logger
  #closed = false

  constructor (init: DiscoveryInit) {
    super()
    const options = this.options = resolveDiscoveryOptions(init.options)
    const logger = this.#logger = init.logger ?? silentLogger
    this.#directory = new PeerDirectory(options, init.now)
    for (const event of ['appeared', 'updated', 'gone'] as const) {
      this.#directory.on(event, (peer) => { this.emit(event, peer) })
    }
    this.#prober = new PeerProber({
      ping: init.ping,
      intervalMs: options.probeIntervalMs,
      timeoutMs: options.probeTimeoutMs,
      backoffMaxMs: options.probeBackoffMaxMs,
      maxTargets: options.maxProbeTargets,
      logger,
      onAlive: (target, result, address) => {
        if (result.peerId === init.self.peerId) return
        this.#report({ peerId: result.peerId, source: target.source, address, alias: result.alias, deviceType: result.deviceType })
      }
    })
    if (init.advertise || init.browse) {
      const factory = init.socketFactory ?? createBonjourSocket
      const watcher = this.#watcher = new InterfaceWatcher({ pollMs: options.interfacePollMs, filter: init.interfaceFilter, read: init.readInterfaces })
      if (init.advertise) this.#advertiser = new MdnsAdvertiser({ self: init.self, factory, logger })
      if (init.browse) {
        this.#browser = new MdnsBrowser({
          selfPeerId: init.self.peerId,
          factory,
          queryIntervalMs: options.mdnsQueryIntervalMs,
          logger,
          interfaces: () => watcher.current,
          onSighting: (sighting) => { this.#report(sighting) },
          onGoodbye: (peerId) => { this.#directory.lose(peerId, 'mdns') }
        })
      }
      // A changed network gets sockets on its new interfaces, which announce and query at once.
      watcher.on('change', (interfaces) => {
        logger.debug(`network interfaces changed: ${interfaces.map((i) => `${i.name} ${i.address}`).join(', ')}`)
        this.#advertiser?.update(interfaces)
        this.#browser?.update(interfaces)
      })
      this.#advertiser?.update(watcher.current)
      this.#browser?.update(watcher.current)
      watcher.start()
    }
    this.#sweep = setInterval(() => { this.#directory.sweep() }, SWEEP_MS)
    this.#sweep.unref()
  }

  /** Every peer seen and not yet gone. */
  peers (): DiscoveredPeer[] {
    return this.#directory.list()
  }

  /** Peers that `query` names by device id, short code or alias (case-insensitive). */
  find (query: string): DiscoveredPeer[] {
    return this.#directory.find(query)
  }

  /** Remembered devices to probe directly, at each of their addresses in turn (source `known` while they answer). */
  addKnown (peers: readonly KnownPeer[]): void {
    for (const peer of peers) {
      if (peer.addresses.length === 0) continue
      if (!this.#prober.add({ addresses: peer.addresses.slice(0, this.options.maxAddressesPerPeer), peerId: peer.peerId, source: 'known' })) {
        this.#logger.warn(`not probing ${peer.peerId}: at most ${this.options.maxProbeTargets} devices and typed addresses are probed`)
      }
    }
  }

  /**
   * Adds an address the user typed: probes it now and resolves with the peer that answered (its id proven), then
   * keeps probing it. Rejects with the probe's error (unreachable, identity mismatch), and then forgets it.
   */
  async addManual (target: { address: PeerAddress, peerId?: string }, options: { signal?: AbortSignal } = {}): Promise<DiscoveredPeer> {
    const probe = { addresses: [target.address], ...(target.peerId === undefined ? {} : { peerId: target.peerId }), source: 'manual' as const }
    const result = await this.#prober.probeNow(probe, options.signal)
    this.#prober.add({ ...probe, peerId: result.peerId })
    return this.#directory.get(result.peerId) ?? {
      peerId: result.peerId, shortCode: result.shortCode, addresses: [target.address], sources: ['manual'], lastSeen: Date.now()
    }
  }

  /**
   * Forgets a device the user removed: its addresses are no longer probed and it leaves the list (as `gone` for
   * probes). mDNS still reports it if it announces itself again: forgetting is not blocking.
   */
  forget (peerId: string): void {
    this.#prober.removePeer(peerId)
    for (const source of ['known', 'manual'] as const) this.#directory.lose(peerId, source)
  }

  /**
   * Resolves with the first peer (already listed or appearing) for which `match` is true, or undefined after
   * `timeoutMs`. Rejects when `signal` aborts.
   */
  async waitFor (match: (peer: DiscoveredPeer) => boolean, options: { timeoutMs: number, signal?: AbortSignal }): Promise<DiscoveredPeer | undefined> {
    const found = this.peers().find(match)
    if (found !== undefined) return found
    options.signal?.throwIfAborted()
    const seen = deferred<DiscoveredPeer>()
    const check = (peer: DiscoveredPeer): void => { if (match(peer)) seen.resolve(peer) }
    this.on('appeared', check)
    this.on('updated', check)
    try {
      return await settleWithin(seen.promise, options.timeoutMs, options.signal === undefined ? {} : { signal: options.signal }) ? await seen.promise : undefined
    } finally {
      this.off('appeared', check)
      this.off('updated', check)
    }
  }

  /** Announces this device under a new alias from now on (the user renamed it). */
  async setAlias (alias: string): Promise<void> {
    if (this.#closed) return
    await this.#advertiser?.setAlias(alias)
  }

  /** Stops probing, says goodbye over mDNS and closes every socket. */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#sweep)
    this.#watcher?.stop()
    this.#prober.close()
    await Promise.all([this.#advertiser?.close(), this.#browser?.close()])
    this.#directory.clear()
  }

  #report (sighting: Parameters<PeerDirectory['report']>[0]): void {
    if (this.#closed) return
    if (!this.#directory.report(sighting)) this.#logger.debug(`peer list full (${this.options.maxPeers}); ignoring ${sighting.peerId}`)
  }
}
