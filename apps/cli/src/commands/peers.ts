// `ferry peers [--json] [--watch]`: the devices nearby (mDNS, remembered devices probed directly, addresses given
// with --add), each with alias, short code, addresses, how it was found and its trust state, flagged when it uses
// the alias of another device we know. --watch prints appeared / updated / gone as they happen until stopped.

import { formatHostPort, parsePeerTarget, settleWithin, shortCodeFor, type DiscoveredPeer, type FerryNode } from '@ferry/p2p-core'
import { startDiscovery, identityWarning, viewPeer, type DeviceRecord, type TrustStore } from '@ferry/app-service/peers'
import { printable, type Output } from '../output.ts'
import { localSendPeerId, type SeenDevice } from '@ferry/localsend'
import { startLocalSend } from '../localsend.ts'

export interface PeersOptions {
  json: boolean
  watch: boolean
  /** How long to look before listing, in ms (without --watch). */
  waitMs: number
  /** Addresses to probe as well (`HOST:PORT[/ID]`, ferry:// links). */
  add: string[]
  mdns: boolean
  /** Look for LocalSend devices too (its multicast group and a server they register with), on this port. */
  localsend?: { port: number }
}

/** A peer as `ferry peers` shows it (and as its JSON carries it). */
export function describe (peer: DiscoveredPeer, store: TrustStore): Record<string, unknown> {
  const view = viewPeer(store, peer)
  return {
    peerId: peer.peerId,
    shortCode: peer.shortCode,
    ...(peer.alias === undefined ? {} : { alias: peer.alias }),
    ...(peer.deviceType === undefined ? {} : { deviceType: peer.deviceType }),
    addresses: peer.addresses.map(formatHostPort),
    sources: peer.sources,
    trust: view.state,
    ...(view.identityChanged === undefined ? {} : { identityChanged: view.identityChanged })
  }
}

function line (peer: DiscoveredPeer, store: TrustStore): string {
  const d = describe(peer, store)
  const name = (peer.alias === undefined ? '(no name)' : printable(peer.alias)).padEnd(20)
  const addresses = (d.addresses as string[]).join(' ') || '(no reachable address)'
  return `${name} ${peer.shortCode}  ${String(d.trust).padEnd(8)} ${addresses}  via ${peer.sources.join('+')}`
}

/** A LocalSend device as `ferry peers` shows it: a peer like the others, marked LocalSend. */
export function describeLocalSend (device: SeenDevice, store: TrustStore): Record<string, unknown> {
  const peerId = localSendPeerId(device.certificateFingerprint ?? device.info.fingerprint)
  const view = viewPeer(store, { peerId, alias: device.info.alias })
  return {
    peerId,
    shortCode: shortCodeFor(peerId),
    alias: device.info.alias,
    ...(device.info.deviceType === undefined ? {} : { deviceType: device.info.deviceType }),
    ...(device.info.deviceModel === undefined ? {} : { deviceModel: device.info.deviceModel }),
    addresses: [`${device.ip}:${device.port}`],
    sources: ['localsend'],
    localsend: { protocol: device.protocol, fingerprint: device.certificateFingerprint ?? device.info.fingerprint, verified: device.certificateFingerprint !== undefined, version: device.info.version },
    trust: view.state,
    ...(view.identityChanged === undefined ? {} : { identityChanged: view.identityChanged })
  }
}

function localSendLine (d: Record<string, unknown>): string {
  const name = printable(d.alias as string).padEnd(20)
  const kind = [d.deviceType, d.deviceModel].filter((v) => v !== undefined).map((v) => printable(String(v))).join(', ')
  return `${name} ${String(d.shortCode)}  ${String(d.trust).padEnd(8)} ${(d.addresses as string[]).join(' ')}  LocalSend${kind === '' ? '' : ` (${kind})`}`
}

export async function peers (node: FerryNode, options: PeersOptions, out: Output, store: TrustStore): Promise<number> {
  const discovery = startDiscovery(node, store, { advertise: false, browse: options.mdns })
  const localDevices = new Map<string, Record<string, unknown>>()
  let localsend: { close: () => Promise<void> } | undefined
  if (options.localsend !== undefined) {
    localsend = await startLocalSend({
      host: '0.0.0.0',
      port: options.localsend.port,
      protocol: 'https',
      alias: node.alias,
      discovery: true,
      onDevice: (device) => {
        const d = describeLocalSend(device, store)
        const seen = localDevices.has(d.peerId as string)
        localDevices.set(d.peerId as string, d)
        if (options.watch) {
          out.event({ type: seen ? 'updated' : 'appeared', peer: d })
          out.say(`${seen ? '~' : '+'} ${localSendLine(d)}`)
        }
      }
    }, out)
  }
  const started = Date.now()
  // Listening before anything is printed, so a stop right after the first line is a clean stop.
  let removeSignals = (): void => {}
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => { resolve() }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
    removeSignals = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop) }
  })
  try {
    if (options.watch) {
      for (const type of ['appeared', 'updated', 'gone'] as const) {
        discovery.on(type, (peer) => {
          out.event({ type, peer: describe(peer, store) })
          out.say(`${type === 'appeared' ? '+' : type === 'gone' ? '-' : '~'} ${line(peer, store)}`)
          const warning = type === 'gone' ? undefined : identityWarning(viewPeer(store, peer), peer, printable)
          if (warning !== undefined) out.say(`  ${warning}`)
        })
      }
    }
    let failed = 0
    await Promise.all(options.add.map(async (text) => {
      try {
        await discovery.addManual(parsePeerTarget(text), { signal: AbortSignal.timeout(Math.max(options.waitMs, 5_000)) })
      } catch (err) {
        failed++
        out.fail(err)
      }
    }))
    if (options.watch) {
      out.say('Watching for devices; Ctrl-C to stop.')
      await stopped
      return 0
    }
    await settleWithin(stopped, options.waitMs - (Date.now() - started))
    const found = discovery.peers().sort((a, b) => (a.alias ?? '').localeCompare(b.alias ?? ''))
    const local = [...localDevices.values()].sort((a, b) => String(a.alias).localeCompare(String(b.alias)))
    const seen = new Set([...found.map((p) => p.peerId), ...local.map((d) => d.peerId as string)])
    const offline = store.list().filter((d) => !seen.has(d.peerId))
    out.event({ type: 'peers', peers: [...found.map((p) => describe(p, store)), ...local], offline: offline.map(offlineJson) })
    for (const d of local) out.say(localSendLine(d))
    if (found.length === 0 && local.length === 0) out.say('No devices found. If the other device does not show up, add it by address: ferry peers --add HOST:PORT')
    for (const peer of found) {
      out.say(line(peer, store))
      const warning = identityWarning(viewPeer(store, peer), peer, printable)
      if (warning !== undefined) out.say(`  ${warning}`)
    }
    if (offline.length > 0) {
      out.say('\nKnown devices not seen now:')
      for (const d of offline) out.say(`${(d.alias === undefined ? '(no name)' : printable(d.alias)).padEnd(20)} ${d.shortCode}  ${(d.trusted ? 'trusted' : 'known').padEnd(8)} last seen ${d.lastSeen}`)
    }
    return failed === 0 ? 0 : 1
  } finally {
    removeSignals()
    await localsend?.close()
    await discovery.close()
  }
}

function offlineJson (d: DeviceRecord): Record<string, unknown> {
  return { peerId: d.peerId, shortCode: d.shortCode, ...(d.alias === undefined ? {} : { alias: d.alias }), trust: d.trusted ? 'trusted' : 'known', lastSeen: d.lastSeen, addresses: d.addresses }
}
