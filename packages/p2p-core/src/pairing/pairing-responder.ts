// The receiving side of pairing (docs/protocol.md, Pairing): after `hello` and `pair-request`, check the rate
// limit, run the PIN exchange with the PIN the app set, show our proof, and check the sender's. The app gave the
// PIN and decides what pairing means (usually: trust that device); the core only verifies.

import * as z from 'zod'
import { PairingFailedError, errorFromJson } from '../errors.ts'
import type { FerryLimits } from '../limits.ts'
import type { ControlChannel } from '../protocol/control-channel.ts'
import { errorSchema, pairConfirmSchema, type DeviceType, type PairRequest } from '../protocol/messages.ts'
import { withTimeout } from '../async/deadline.ts'
import type { PairingGuard } from './pairing-guard.ts'
import { proofsEqual, startPinExchange } from './pin-exchange.ts'

const confirmOrError = z.discriminatedUnion('type', [pairConfirmSchema, errorSchema])

export interface PairingResponderInit {
  control: ControlChannel
  request: PairRequest
  /** Proven by TLS. */
  senderPeerId: string
  self: { peerId: string, alias: string, deviceType: DeviceType }
  /** The PIN the app is showing; undefined when it is not pairing. */
  pin: string | undefined
  guard: PairingGuard
  limits: FerryLimits
}

/** Resolves when the sender proved the same PIN; throws PairingFailedError or PairingRateLimitedError otherwise. */
export async function answerPairing (init: PairingResponderInit): Promise<void> {
  const { control, senderPeerId, guard } = init
  if (init.pin === undefined) throw new PairingFailedError('This device is not pairing now: start pairing on it to get a PIN')
  guard.check(senderPeerId)
  const exchange = startPinExchange(init.pin, { sender: senderPeerId, receiver: init.self.peerId }, 'receiver')
  let proofs
  try {
    proofs = exchange.proofs(init.request.key)
  } catch (err) {
    throw new PairingFailedError('The pairing request carries an invalid key', { cause: err })
  }
  // From here the peer can test its one guess against our proof, so the attempt counts unless it succeeds.
  const succeeded = guard.attempt(senderPeerId)
  await control.send({ type: 'pair-challenge', key: exchange.publicKey, proof: proofs.receiver })
  const confirm = await withTimeout(control.receive(confirmOrError), init.limits.idleTimeoutMs, 'The peer did not finish pairing')
  if (confirm.type === 'error') throw errorFromJson(confirm)
  if (!proofsEqual(confirm.proof, proofs.sender)) throw new PairingFailedError('Wrong PIN')
  succeeded()
  await control.send({ type: 'pair-result', paired: true, alias: init.self.alias, deviceType: init.self.deviceType })
}
