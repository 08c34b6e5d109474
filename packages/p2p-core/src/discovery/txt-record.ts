// The DNS-SD advertisement of a Ferry device: service type `_ferry._udp`, instance name = peer id, and a TXT record
// with the protocol id, peer id, alias, device type and QUIC port. TXT is a claim, not a proof: anyone on the LAN
// can send one. The peer id it names is proven only when a dial with that expected id succeeds.

import * as z from 'zod'
import { PROTOCOL_ID, deviceTypes, type DeviceType } from '../protocol/messages.ts'

/** DNS-SD service name and protocol: `_ferry._udp.local`. */
export const SERVICE_TYPE = 'ferry'
export const SERVICE_PROTOCOL = 'udp'

export interface Advertisement {
  protocol: string
  peerId: string
  alias?: string
  deviceType?: DeviceType
  port: number
}

/** Key names in the TXT record (short: every query answer carries them). */
const KEYS = { protocol: 'v', peerId: 'id', alias: 'alias', deviceType: 'dt', port: 'port' } as const

const txtSchema = z.object({
  [KEYS.protocol]: z.string().max(64),
  [KEYS.peerId]: z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{40,100}$/),
  [KEYS.alias]: z.string().max(64).optional(),
  [KEYS.deviceType]: z.enum(deviceTypes).optional(),
  [KEYS.port]: z.string().regex(/^[0-9]{1,5}$/)
})

/** The TXT key/value pairs for our own advertisement. An empty alias is left out (DNS-SD libraries drop `alias=`). */
export function encodeTxt (ad: Omit<Advertisement, 'protocol'>): Record<string, string> {
  return {
    [KEYS.protocol]: PROTOCOL_ID,
    [KEYS.peerId]: ad.peerId,
    ...(ad.alias === undefined || ad.alias === '' ? {} : { [KEYS.alias]: ad.alias }),
    ...(ad.deviceType === undefined ? {} : { [KEYS.deviceType]: ad.deviceType }),
    [KEYS.port]: String(ad.port)
  }
}

/**
 * A peer's advertisement from its decoded TXT pairs, or undefined when it is not a Ferry TXT record, names another
 * protocol version, or carries a malformed field. Values may arrive as strings or bytes.
 */
export function decodeTxt (txt: unknown): Advertisement | undefined {
  if (txt === null || typeof txt !== 'object') return undefined
  const strings: Record<string, string> = {}
  for (const [key, value] of Object.entries(txt)) {
    if (typeof value === 'string') strings[key.toLowerCase()] = value
    else if (value instanceof Uint8Array) strings[key.toLowerCase()] = new TextDecoder().decode(value)
  }
  const parsed = txtSchema.safeParse(strings)
  if (!parsed.success || parsed.data[KEYS.protocol] !== PROTOCOL_ID) return undefined
  const port = Number(parsed.data[KEYS.port])
  if (port < 1 || port > 65535) return undefined
  const alias = parsed.data[KEYS.alias]
  const deviceType = parsed.data[KEYS.deviceType]
  return {
    protocol: parsed.data[KEYS.protocol],
    peerId: parsed.data[KEYS.peerId],
    ...(alias === undefined ? {} : { alias }),
    ...(deviceType === undefined ? {} : { deviceType }),
    port
  }
}
