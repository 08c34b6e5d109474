// `ferry peers [--json] [--watch]`: the devices nearby (mDNS, remembered devices probed directly, addresses given
// with --add), each with alias, short code, addresses, how it was found and its trust state, flagged when it uses
// the alias of another device we know. --watch prints appeared / updated / gone as they happen until stopped.

import { formatHostPort, parsePeerTarget, settleWithin, type DiscoveredPeer, type FerryNode } from '@ferry/p2p-core'
import { startDiscovery, identityWarning, viewPeer, type DeviceRecord, type TrustStore } from '@ferry/app-service/peers'
import { printable, type Output } from '../output.ts'

export interface PeersOptions {
  json: boolean
  watch: boolean
  /** How long to look before listing, in ms (without --watch). */
  waitMs: number
  /** Addresses to probe as well (`HOST:PORT[/ID]`, ferry:// links). */
  add: string[]
  mdns: boolean
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

export async function peers (node: FerryNode, options: PeersOptions, out: Output, store: TrustStore): Promise<number> {
  const discovery = startDiscovery(node, store, { advertise: false, browse: options.mdns })
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
    const seen = new Set(found.map((p) => p.peerId))
    const offline = store.list().filter((d) => !seen.has(d.peerId))
    out.event({ type: 'peers', peers: found.map((p) => describe(p, store)), offline: offline.map(offlineJson) })
    if (found.length === 0) out.say('No devices found. If the other device does not show up, add it by address: ferry peers --add HOST:PORT')
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
    await discovery.close()
  }
}

function offlineJson (d: DeviceRecord): Record<string, unknown> {
  return { peerId: d.peerId, shortCode: d.shortCode, ...(d.alias === undefined ? {} : { alias: d.alias }), trust: d.trusted ? 'trusted' : 'known', lastSeen: d.lastSeen, addresses: d.addresses }
}
