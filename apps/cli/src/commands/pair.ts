// `ferry pair --to TARGET --pin PIN`: prove to another device (running `ferry receive --pair`, which shows the PIN)
// that this one is yours, and learn that it is the one showing the PIN. Both then trust each other. The PIN never
// crosses the network (docs/protocol.md, Pairing).

import { UnreachableError, formatHostPort, reachAny, type FerryNode } from '@ferry/p2p-core'
import type { TrustStore } from '@ferry/app-service/peers'
import { peerLabel, type Output } from '../output.ts'
import { resolvePeer } from '../resolve-peer.ts'

export interface PairOptions {
  to: string
  pin: string
  mdns: boolean
  discoverTimeoutMs: number
}

export async function pair (node: FerryNode, options: PairOptions, out: Output, store: TrustStore): Promise<number> {
  const controller = new AbortController()
  const onSigint = (): void => { controller.abort() }
  process.once('SIGINT', onSigint)
  try {
    const target = await resolvePeer(options.to, { node, store, mdns: options.mdns, timeoutMs: options.discoverTimeoutMs, signal: controller.signal })
    if (target.addresses.length === 0) throw new UnreachableError(`"${options.to}" was found, but at no address this device can reach`)
    // Each address the device was seen at is tried in turn (p2p-core's reachAny, as for sends).
    const pin = options.pin.replace(/\s/g, '')
    const { value: paired, address } = await reachAny(target.addresses, async (address) =>
      await node.pair({ address, ...(target.peerId === undefined ? {} : { peerId: target.peerId }), pin, signal: controller.signal }), controller.signal)
    const reached = formatHostPort(address)
    await store.update(paired.peerId, (record) => {
      const now = new Date().toISOString()
      const base = record ?? { peerId: paired.peerId, shortCode: paired.shortCode, trusted: false, addresses: [], firstSeen: now, lastSeen: now }
      return {
        ...base,
        ...(paired.alias === undefined ? {} : { alias: paired.alias }),
        trusted: true,
        addresses: [reached, ...base.addresses.filter((a) => a !== reached)],
        lastSeen: now,
        pairedAt: now
      }
    })
    out.event({ type: 'paired', peer: paired, address: reached })
    out.say(`Paired with ${peerLabel(paired)}: both devices now trust each other.`)
    out.say(`Check that ${paired.shortCode} is the code the other device shows.`)
    return 0
  } catch (err) {
    out.fail(err)
    return controller.signal.aborted ? 130 : 1
  } finally {
    process.off('SIGINT', onSigint)
  }
}
