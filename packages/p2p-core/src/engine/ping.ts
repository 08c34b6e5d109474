// `ping`: proves a peer is there and is who we think (discovery's probe of a known or typed-in address). One short
// session: hello, ping, pong, close. The answer carries the peer's alias and device type, so a peer found without
// mDNS still shows by name.

import * as z from 'zod'
import { errorFromJson } from '../errors.ts'
import { shortCodeFor } from '../identity/identity.ts'
import { errorSchema, pongSchema, type DeviceType } from '../protocol/messages.ts'
import type { PeerAddress } from '../transport/types.ts'
import { withTimeout } from '../async/deadline.ts'
import { openOutboundSession, type OutboundComponents, type OutboundTarget } from './outbound-session.ts'

const pongOrError = z.discriminatedUnion('type', [pongSchema, errorSchema])

export interface PingRequest extends OutboundTarget {
  signal?: AbortSignal
  /** Longest wait for the pong once connected, in ms. */
  timeoutMs?: number
}

export interface PingResult {
  peerId: string
  shortCode: string
  alias?: string
  deviceType?: DeviceType
  address: PeerAddress
  /** Dial to pong, in ms. */
  rttMs: number
}

export async function pingPeer (request: PingRequest, components: OutboundComponents): Promise<PingResult> {
  const started = performance.now()
  const session = await openOutboundSession(request, components, request.signal)
  try {
    await session.control.send({ type: 'ping' })
    const reply = await withTimeout(session.control.receive(pongOrError), request.timeoutMs ?? 5_000, 'No pong from the peer')
    if (reply.type === 'error') throw errorFromJson(reply)
    const peerId = session.connection.remotePeerId
    return {
      peerId,
      shortCode: shortCodeFor(peerId),
      ...(reply.alias === undefined ? {} : { alias: reply.alias }),
      ...(reply.deviceType === undefined ? {} : { deviceType: reply.deviceType }),
      address: request.address,
      rttMs: performance.now() - started
    }
  } finally {
    await session.close()
  }
}
