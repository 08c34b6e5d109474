// Turns what the user typed after --to into a device to dial: `HOST:PORT[/ID]` or a ferry:// link as they are, or
// a device id, short code or alias looked up through discovery (mDNS and remembered devices). An alias is matched
// with care: a device we know under that alias wins; a device using that alias under an unknown id is refused
// (it may be an impostor: the user must name it by its code); two unknown devices with the alias are ambiguous.

import {
  AmbiguousPeerError, BadAddressError, IdentityMismatchError, PeerNotFoundError, aliasKey, matchPeer, parsePeerTarget,
  type DiscoveredPeer, type FerryNode, type PeerAddress
} from '@ferry/p2p-core'
import { startDiscovery, viewPeer, type TrustStore } from '@ferry/app-service/peers'
import { formatDuration } from './human-units.ts'

export interface ResolvedPeer {
  /** When known, the id the dial must prove. */
  peerId?: string
  alias?: string
  /** Addresses to try in order. */
  addresses: PeerAddress[]
}

export interface ResolveOptions {
  node: FerryNode
  store: TrustStore
  mdns: boolean
  /** How long to look, in ms. */
  timeoutMs: number
  signal?: AbortSignal
}

/** After the first device with a matching alias shows, how long to wait for a second one, in ms. */
const AMBIGUITY_GRACE_MS = 500

/** `HOST:PORT/...` or `ferry://HOST:PORT/...`: an address with something after it that can only be a device id. */
const ADDRESS_AND_ID = /^(ferry:\/\/)?(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):\d{1,5}\/./

/**
 * A ferry:// link, `[...]:PORT` or `HOST:DIGITS` (with or without an id after it): what no alias or code looks like.
 * When parsePeerTarget refuses it (port 0 or above 65535, a zone id, an empty link), that is said at once instead of
 * searching the network for it.
 */
const ADDRESS_LIKE = /^(ferry:\/\/|\[[^\]]*\]:\d+(\/|$)|[^\s:/[\]]+:\d+(\/|$))/i

export async function resolvePeer (input: string, options: ResolveOptions): Promise<ResolvedPeer> {
  try {
    const target = parsePeerTarget(input)
    return { ...(target.peerId === undefined ? {} : { peerId: target.peerId }), addresses: [target.address] }
  } catch (err) {
    if (!(err instanceof BadAddressError)) throw err
    // HOST:PORT/... names an address and a device id, never an alias: a malformed id is said at once, not searched for.
    if (ADDRESS_AND_ID.test(input.trim())) throw new PeerNotFoundError(`${err.message}: give the id \`ferry receive\` prints after its address`)
    if (ADDRESS_LIKE.test(input.trim())) throw err
  }
  const discovery = startDiscovery(options.node, options.store, { advertise: false, browse: options.mdns })
  try {
    const byIdOrCode = (p: DiscoveredPeer): boolean => { const m = matchPeer(p, input); return m === 'id' || m === 'code' }
    const key = aliasKey(input)
    // Known under this alias, and not itself flagged for taking it from a device met before (the trust policy's rule):
    // a newcomer remembered because it offered here once under the alias is not the device meant.
    const knownUnderAlias = new Set(options.store.list()
      .filter((d) => d.alias !== undefined && aliasKey(d.alias) === key && viewPeer(options.store, { peerId: d.peerId, alias: d.alias }).identityChanged === undefined)
      .map((d) => d.peerId))
    const byAlias = (p: DiscoveredPeer): boolean => matchPeer(p, input) === 'alias'
    const first = await discovery.waitFor((p) => byIdOrCode(p) || byAlias(p), { timeoutMs: options.timeoutMs, signal: options.signal })
    if (first === undefined) {
      throw new PeerNotFoundError(`No device called "${input}" answered within ${formatDuration(options.timeoutMs / 1000)}` +
        (/^(localhost|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i.test(input) ? `; if ${input} is a host name, add its port: ${input}:PORT (as \`ferry receive\` prints it)` : ''))
    }
    if (byIdOrCode(first)) return toResolved(first)
    // A device we know under this alias is the one meant, even if a stranger uses the same alias.
    const known = await discovery.waitFor((p) => byAlias(p) && knownUnderAlias.has(p.peerId), { timeoutMs: AMBIGUITY_GRACE_MS, signal: options.signal })
    if (known !== undefined) return toResolved(known)
    const candidates = discovery.peers().filter(byAlias)
    if (knownUnderAlias.size > 0) {
      const codes = candidates.map((p) => p.shortCode).join(', ')
      throw new IdentityMismatchError(`"${input}" now answers as another device (code ${codes}), not the one you know; ` +
        'send to it by its code if you trust it')
    }
    if (candidates.length > 1) {
      throw new AmbiguousPeerError(`${candidates.length} devices are called "${input}": ${candidates.map((p) => p.shortCode).join(', ')}; use a code`)
    }
    return toResolved(first)
  } finally {
    await discovery.close()
  }
}

function toResolved (peer: DiscoveredPeer): ResolvedPeer {
  return { peerId: peer.peerId, ...(peer.alias === undefined ? {} : { alias: peer.alias }), addresses: peer.addresses }
}

