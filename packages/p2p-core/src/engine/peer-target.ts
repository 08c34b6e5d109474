// What a user types to name a peer, both ways: `HOST:PORT`, `HOST:PORT/PEER_ID`, `[v6]:PORT/PEER_ID` or a
// `ferry://HOST:PORT/PEER_ID` link, parsed here and written here, so what Ferry prints is what it reads back. The
// peer id, when present, is what the TLS handshake must prove.

import { BadAddressError } from '../errors.ts'
import type { PeerAddress } from '../transport/types.ts'

export interface PeerTarget {
  address: PeerAddress
  peerId?: string
}

const PEER_ID = /^[1-9A-HJ-NP-Za-km-z]{40,100}$/ // base58btc, as libp2p prints peer ids

/** Reads what a user typed; anything else is a BadAddressError (FERRY_ERR_BAD_ADDRESS) saying what is wrong. */
export function parsePeerTarget (input: string): PeerTarget {
  let rest = input.trim().replace(/^ferry:\/\//, '')
  let peerId: string | undefined
  const slash = rest.indexOf('/')
  if (slash >= 0) {
    peerId = rest.slice(slash + 1).replace(/\/$/, '')
    rest = rest.slice(0, slash)
    if (peerId === '') throw new BadAddressError(`"${input}" has a "/" but no device id after it`)
    if (!PEER_ID.test(peerId)) throw new BadAddressError(`"${peerId}" is not a Ferry device id`)
  }
  const match = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(rest) ?? /^([^:[\]]+):(\d+)$/.exec(rest)
  if (match === null) throw new BadAddressError(`"${input}" is not HOST:PORT[/DEVICE_ID]`)
  const port = Number(match[2])
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new BadAddressError(`Port ${match[2]} is out of range (1 to 65535)`)
  return { address: { host: match[1] as string, port }, ...(peerId === undefined ? {} : { peerId }) }
}

/** `HOST:PORT`, an IPv6 host in brackets (also a URL's authority). */
export function formatHostPort (address: PeerAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`
}

/** `HOST:PORT/PEER_ID` (or `HOST:PORT` without an id): what `--to` takes and parsePeerTarget reads back. */
export function formatPeerTarget (target: PeerTarget): string {
  return target.peerId === undefined ? formatHostPort(target.address) : `${formatHostPort(target.address)}/${target.peerId}`
}

/** The `ferry://HOST:PORT/PEER_ID` link a QR code or a pasted message carries; parsePeerTarget reads it back. */
export function ferryLink (target: Required<PeerTarget>): string {
  return `ferry://${formatPeerTarget(target)}`
}
