// LocalSend devices in the app (issue 18): the LocalSend server, client and discovery (@ferry/localsend) behind
// the app's own peers and transfers. A LocalSend device is a peer like any other, with the id
// `localsend:FINGERPRINT`; its offers go to the same offer policy, and a send to it goes over LocalSend's protocol.
// What LocalSend lacks (resume, BLAKE3, trust by Ferry key) the UI says from that id.

import {
  LOCALSEND_PORT, LocalSendClient, LocalSendDiscovery, LocalSendServer, ferryDeviceType, loadOrCreateLocalSendIdentity,
  localSendPeerId, type LocalSendDevice, type LocalSendOffer, type LocalSendSendResult, type LocalSendTarget
} from '@ferry/localsend'
import type { Logger, SourceListing, TransferProgress } from '@ferry/p2p-core'
import type { Sighting } from './peers.ts'

export interface LocalSendOptions {
  /** TCP port of the LocalSend server (53317 by LocalSend's default; 0 picks a free one). */
  port: number
  /** 'https' (default) or 'http' for apps with encryption off. */
  protocol?: 'http' | 'https'
  host?: string
  /** Announce on LocalSend's multicast group and answer announces (off where nothing may be multicast). */
  discovery: boolean
  /** Port of the multicast group; LocalSend's 53317 unless given. */
  multicastPort?: number
}

export interface LocalSendSendInit {
  paths: string[]
  text?: string
  followLinks: boolean
  signal: AbortSignal
  onProgress: (progress: TransferProgress) => void
  onListed?: (listing: SourceListing) => void
}

export function isLocalSendPeerId (peerId: string): boolean {
  return peerId.startsWith('localsend:')
}

export class LocalSendSide {
  readonly server: LocalSendServer
  readonly client: LocalSendClient
  readonly #discovery: LocalSendDiscovery | undefined
  readonly #targets = new Map<string, LocalSendTarget>()
  readonly #onSeen: (sighting: Sighting) => void

  private constructor (parts: { server: LocalSendServer, client: LocalSendClient, discovery?: LocalSendDiscovery, onSeen: (s: Sighting) => void }) {
    this.server = parts.server
    this.client = parts.client
    this.#discovery = parts.discovery
    this.#onSeen = parts.onSeen
  }

  /** Starts the server (and discovery); throws LocalSendPortInUseError when its port is taken. */
  static async start (init: {
    configDir: string
    alias: () => string
    options: LocalSendOptions
    logger: Logger
    onOffer: (offer: LocalSendOffer) => void
    onSeen: (sighting: Sighting) => void
  }): Promise<LocalSendSide> {
    const identity = await loadOrCreateLocalSendIdentity(init.configDir)
    const holder: { side?: LocalSendSide } = {}
    const server = new LocalSendServer({
      identity,
      alias: init.alias(),
      deviceModel: 'Ferry',
      deviceType: 'desktop',
      protocol: init.options.protocol ?? 'https',
      host: init.options.host ?? '0.0.0.0',
      port: init.options.port,
      logger: init.logger,
      onOffer: (offer) => {
        const sender = offer.localsend
        if (holder.side !== undefined) holder.side.#remember(sender.ip, sender.info.port ?? LOCALSEND_PORT, sender.info.protocol ?? 'https', sender.certificateFingerprint ?? sender.info.fingerprint)
        init.onOffer(offer)
      },
      onRegister: (device) => { if (holder.side !== undefined) holder.side.#device(device) },
      onCancelReceived: (event) => { holder.side?.client.cancelReceived(event) }
    })
    await server.listen()
    const client = new LocalSendClient({ identity, info: () => server.info, logger: init.logger })
    let discovery: LocalSendDiscovery | undefined
    if (init.options.discovery) {
      discovery = new LocalSendDiscovery({ info: () => server.info, client, port: init.options.multicastPort ?? LOCALSEND_PORT, logger: init.logger })
      discovery.on('device', (device) => { if (holder.side !== undefined) holder.side.#device(device) })
    }
    const side = new LocalSendSide({ server, client, ...(discovery === undefined ? {} : { discovery }), onSeen: init.onSeen })
    holder.side = side
    await discovery?.start().catch((err: unknown) => { init.logger.warn('LocalSend discovery is off:', (err as Error).message) })
    return side
  }

  /** A device that registered, announced or answered: a peer seen now. */
  #device (device: LocalSendDevice): void {
    // Over https an announced fingerprint is checked at the next connection (pinned); over http it is only a name.
    const peerId = this.#remember(device.ip, device.port, device.protocol, device.certificateFingerprint ?? device.info.fingerprint)
    this.#onSeen({
      peerId,
      alias: device.info.alias,
      deviceType: ferryDeviceType(device.info.deviceType),
      ...(device.info.deviceModel == null ? {} : { model: device.info.deviceModel }),
      addresses: [{ host: device.ip, port: device.port }]
    })
  }

  /** Where a device is reached, by its id; the fingerprint is pinned when it was proven (mutual TLS). */
  #remember (host: string, port: number, protocol: 'http' | 'https', fingerprint: string): string {
    const peerId = localSendPeerId(fingerprint)
    this.#targets.set(peerId, { host, port, protocol, ...(protocol === 'https' ? { fingerprint } : {}) })
    return peerId
  }

  /** Sends to a LocalSend device known by `peerId`; the device's certificate must be the one it was seen with. */
  async send (peerId: string, fallback: { host: string, port: number } | undefined, init: LocalSendSendInit): Promise<LocalSendSendResult> {
    const target = this.#targets.get(peerId) ?? (fallback === undefined ? undefined : { ...fallback, protocol: 'https' as const, fingerprint: peerId.slice('localsend:'.length) })
    if (target === undefined) throw new Error('No address is known for that LocalSend device')
    const result = await this.client.send({
      target, paths: init.paths, followLinks: init.followLinks, signal: init.signal, onProgress: init.onProgress,
      ...(init.text === undefined ? {} : { text: init.text }), ...(init.onListed === undefined ? {} : { onListed: init.onListed })
    })
    if (result.fingerprint !== undefined) this.#onSeen({ peerId, addresses: [{ host: target.host, port: target.port }], remember: true })
    return result
  }

  /** Says this device is here again (e.g. when the user looks for devices). */
  announce (): void {
    this.#discovery?.announce()
  }

  async close (): Promise<void> {
    await this.#discovery?.close()
    await this.server.close()
  }
}
