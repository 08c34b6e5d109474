// The `ferry` command's LocalSend side (issue 18): this device's LocalSend identity from the config folder, the
// receiving server that `ferry receive` runs beside the Ferry engine (its offers go through the same decision as
// Ferry's own), and LocalSend discovery where mDNS is on. A taken port is said clearly and Ferry goes on without it.

import { hostname } from 'node:os'
import type { IncomingOffer } from '@ferry/p2p-core'
import {
  LOCALSEND_PORT, LocalSendClient, LocalSendDiscovery, LocalSendPortInUseError, LocalSendServer,
  loadOrCreateLocalSendIdentity, type LocalInfo, type LocalSendIdentity, type SeenDevice
} from '@ferry/localsend'
import { configDir } from './config-dir.ts'
import { printable, type Output } from './output.ts'

/** LocalSend is on unless the command says --no-localsend or FERRY_NO_LOCALSEND=1 is set (tests, locked-down hosts). */
export function localSendEnabled (flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return flag !== false && env.FERRY_NO_LOCALSEND !== '1'
}

export async function localSendIdentity (): Promise<LocalSendIdentity> {
  return await loadOrCreateLocalSendIdentity(configDir())
}

/**
 * Starts loading (on a first run, making: an RSA key and a certificate) this device's LocalSend identity now, so a
 * command can do it while its engine starts rather than after; the promise is handled here, so a command that
 * fails before awaiting it does not also report an unhandled rejection. Awaiting it still throws what it threw.
 */
export function prepareLocalSendIdentity (): Promise<LocalSendIdentity> {
  const identity = localSendIdentity()
  identity.catch(() => {})
  return identity
}

/** How this command introduces itself to LocalSend devices when it runs no server of its own. */
export function clientInfo (identity: LocalSendIdentity, alias?: string): LocalInfo {
  return { alias: alias ?? hostname(), deviceModel: 'Ferry', deviceType: 'headless', fingerprint: identity.fingerprint, port: LOCALSEND_PORT, protocol: 'https' }
}

export interface LocalSendSideOptions {
  host: string
  port: number
  protocol: 'http' | 'https'
  pin?: string
  alias: string
  /** This device's LocalSend identity, if the command began loading it already (prepareLocalSendIdentity). */
  identity?: Promise<LocalSendIdentity>
  /** Announce and answer announces on the multicast group. */
  discovery: boolean
  /** Offers from LocalSend devices; none: every offer is declined (a `ferry peers` that only listens). */
  onOffer?: (offer: IncomingOffer) => void
  onDevice?: (device: SeenDevice) => void
}

export interface LocalSendSide {
  server: LocalSendServer
  client: LocalSendClient
  discovery?: LocalSendDiscovery
  close: () => Promise<void>
}

/** Starts the LocalSend server (and discovery); undefined, said on `out`, when its port is taken. */
export async function startLocalSend (options: LocalSendSideOptions, out: Output): Promise<LocalSendSide | undefined> {
  const identity = await (options.identity ?? localSendIdentity())
  const found: { discovery?: LocalSendDiscovery, client?: LocalSendClient } = {}
  const server = new LocalSendServer({
    identity,
    alias: options.alias,
    deviceModel: 'Ferry',
    deviceType: 'headless',
    protocol: options.protocol,
    host: options.host,
    port: options.port,
    ...(options.pin === undefined ? {} : { pin: options.pin }),
    onOffer: (offer) => {
      if (options.onOffer !== undefined) options.onOffer(offer)
      else void offer.respond({ accept: false }).catch(() => {})
    },
    onRegister: (device) => { found.discovery?.addRegistered(device) },
    onCancelReceived: (event) => { found.client?.cancelReceived(event) }
  })
  try {
    await server.listen()
  } catch (err) {
    if (!(err instanceof LocalSendPortInUseError)) throw err
    out.event({ type: 'localsend-unavailable', code: err.code, message: err.message })
    out.say(printable(err.message))
    return undefined
  }
  const client = new LocalSendClient({ identity, info: () => server.info })
  found.client = client
  out.event({ type: 'localsend', port: server.port, protocol: server.protocol, fingerprint: identity.fingerprint, pin: options.pin !== undefined })
  let discovery: LocalSendDiscovery | undefined
  if (options.discovery) {
    discovery = new LocalSendDiscovery({ info: () => server.info, client, port: options.port === 0 ? LOCALSEND_PORT : options.port })
    if (options.onDevice !== undefined) discovery.on('device', options.onDevice)
    found.discovery = discovery
    try {
      await discovery.start()
    } catch (err) {
      out.say(`LocalSend discovery is off: ${printable((err as Error).message)}`)
      discovery = undefined
    }
  }
  return {
    server,
    client,
    ...(discovery === undefined ? {} : { discovery }),
    close: async () => {
      await discovery?.close()
      await server.close()
    }
  }
}
