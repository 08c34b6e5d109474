// The sending side of pairing (docs/protocol.md, Pairing): the user typed the PIN another device shows. Dial it,
// run the PIN exchange, check its proof before showing ours, and report the device we paired with.

import * as z from 'zod'
import { PairingFailedError, errorFromJson } from '../errors.ts'
import { shortCodeFor } from '../identity/identity.ts'
import { errorFrame } from '../protocol/error-frame.ts'
import { errorSchema, pairChallengeSchema, pairResultSchema, type DeviceType } from '../protocol/messages.ts'
import { withTimeout } from '../async/deadline.ts'
import { openOutboundSession, type OutboundComponents, type OutboundTarget } from '../engine/outbound-session.ts'
import { PIN_PATTERN, proofsEqual, startPinExchange } from './pin-exchange.ts'

const challengeOrError = z.discriminatedUnion('type', [pairChallengeSchema, errorSchema])
const resultOrError = z.discriminatedUnion('type', [pairResultSchema, errorSchema])

export interface PairRequest extends OutboundTarget {
  /** The 6 digits the other device shows. */
  pin: string
  signal?: AbortSignal
}

export interface PairResult {
  peerId: string
  shortCode: string
  alias?: string
  deviceType?: DeviceType
}

export interface PairComponents extends OutboundComponents {
  selfPeerId: string
  /** Longest wait for each answer, in ms. */
  replyTimeoutMs: number
}

export async function pairWith (request: PairRequest, components: PairComponents): Promise<PairResult> {
  if (!PIN_PATTERN.test(request.pin)) throw new PairingFailedError('A pairing PIN is 6 digits')
  const session = await openOutboundSession(request, components, request.signal)
  const { control, connection } = session
  try {
    const receiver = connection.remotePeerId
    const exchange = startPinExchange(request.pin, { sender: components.selfPeerId, receiver }, 'sender')
    await control.send({ type: 'pair-request', key: exchange.publicKey })
    const challenge = await withTimeout(control.receive(challengeOrError), components.replyTimeoutMs, 'No pairing answer from the peer')
    if (challenge.type === 'error') throw errorFromJson(challenge)
    let proofs
    try {
      proofs = exchange.proofs(challenge.key)
    } catch (err) {
      throw new PairingFailedError('The peer answered with an invalid key', { cause: err })
    }
    // Our proof goes out only once the peer has shown it knows the PIN too.
    if (!proofsEqual(challenge.proof, proofs.receiver)) {
      const err = new PairingFailedError(`The PIN does not match the one device ${shortCodeFor(receiver)} shows`)
      await control.sendLast(errorFrame(err))
      throw err
    }
    await control.send({ type: 'pair-confirm', proof: proofs.sender })
    const result = await withTimeout(control.receive(resultOrError), components.replyTimeoutMs, 'No pairing result from the peer')
    if (result.type === 'error') throw errorFromJson(result)
    return {
      peerId: receiver,
      shortCode: shortCodeFor(receiver),
      ...(result.alias === undefined ? {} : { alias: result.alias }),
      ...(result.deviceType === undefined ? {} : { deviceType: result.deviceType })
    }
  } finally {
    await session.close()
  }
}
