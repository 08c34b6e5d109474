// `ferry trust DEVICE [--auto-accept --dir DIR]` and `ferry untrust DEVICE [--forget]`: the user's decisions about
// a device, kept in the trust store. DEVICE is a device id, a HOST:PORT/ID address, or the short code or alias of
// a remembered device. Only a trusted device can be auto-accepted, and only into the folder chosen here.

import { resolve } from 'node:path'
import {
  AmbiguousPeerError, PeerNotFoundError, formatHostPort, matchPeer, parsePeerTarget, shortCodeFor
} from '@ferry/p2p-core'
import type { DeviceRecord, TrustStore } from '@ferry/app-service/peers'
import { peerLabel, type Output } from '../output.ts'

export interface TrustOptions {
  /** true: auto-accept into `dir`; false: stop auto-accepting; undefined: leave as it is. */
  autoAccept?: boolean
  dir: string
}

const PEER_ID = /^[1-9A-HJ-NP-Za-km-z]{40,100}$/

/** A device to trust, with the addresses it was found at (best first), as `HOST:PORT`. */
interface FoundDevice { peerId: string, alias?: string, addresses?: string[] }

/** The device `query` names: an id (new or remembered) with an optional address, or a remembered code or alias. */
function findDevice (store: TrustStore, query: string): FoundDevice {
  if (PEER_ID.test(query.trim())) return { peerId: query.trim() }
  try {
    const target = parsePeerTarget(query)
    if (target.peerId !== undefined) return { peerId: target.peerId, addresses: [formatHostPort(target.address)] }
  } catch { /* not an address */ }
  const matches = store.list().filter((d) => matchPeer(d, query) !== undefined)
  if (matches.length === 1) return { peerId: (matches[0] as DeviceRecord).peerId }
  if (matches.length > 1) throw new AmbiguousPeerError(`${matches.length} remembered devices are called "${query}": ${matches.map((d) => d.shortCode).join(', ')}; use a code`)
  throw new PeerNotFoundError(`No remembered device is called "${query}"; give its device id or HOST:PORT/ID`)
}

/** Looks a device up on the network (discovery) when it is not remembered yet; every address it was seen at. */
export type DeviceLookup = (query: string) => Promise<FoundDevice>

export async function trust (query: string, options: TrustOptions, out: Output, store: TrustStore, lookup?: DeviceLookup): Promise<number> {
  let device: FoundDevice
  try {
    device = findDevice(store, query)
  } catch (err) {
    if (!(err instanceof PeerNotFoundError) || lookup === undefined) throw err
    device = await lookup(query)
  }
  const dir = resolve(options.dir)
  const record = await store.update(device.peerId, (existing) => {
    const now = new Date().toISOString()
    const base = existing ?? { peerId: device.peerId, shortCode: shortCodeFor(device.peerId), trusted: false, addresses: [], firstSeen: now, lastSeen: now }
    const { autoAcceptDir: _old, ...rest } = base
    const autoAcceptDir = options.autoAccept === true ? dir : options.autoAccept === false ? undefined : base.autoAcceptDir
    return {
      ...rest,
      ...(device.alias === undefined || rest.alias !== undefined ? {} : { alias: device.alias }),
      trusted: true,
      ...(autoAcceptDir === undefined ? {} : { autoAcceptDir }),
      // The addresses just found go first (the probe and sends try them in this order), then the ones remembered.
      addresses: [...new Set([...device.addresses ?? [], ...base.addresses])]
    }
  }) as DeviceRecord
  out.event({ type: 'trusted', peerId: record.peerId, shortCode: record.shortCode, alias: record.alias, autoAcceptDir: record.autoAcceptDir })
  out.say(`${peerLabel(record)} is trusted` + (record.autoAcceptDir === undefined ? '; its offers are still asked about.' : `; its offers are saved into ${record.autoAcceptDir} without asking.`))
  return 0
}

export async function untrust (query: string, options: { forget: boolean }, out: Output, store: TrustStore): Promise<number> {
  const device = findDevice(store, query)
  const before = store.get(device.peerId)
  if (before === undefined) throw new PeerNotFoundError(`Device ${shortCodeFor(device.peerId)} is not remembered`)
  await store.update(device.peerId, (existing) => {
    if (existing === undefined || options.forget) return undefined
    const { autoAcceptDir: _dir, pairedAt: _paired, ...rest } = existing
    return { ...rest, trusted: false }
  })
  out.event({ type: options.forget ? 'forgotten' : 'untrusted', peerId: before.peerId, shortCode: before.shortCode })
  out.say(options.forget ? `${peerLabel(before)} is forgotten.` : `${peerLabel(before)} is no longer trusted; its offers are asked about again.`)
  return 0
}
