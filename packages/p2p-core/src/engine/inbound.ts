// One inbound connection, after the session check: read `hello` (protocol version), then the intent frame that
// says what the connection is for, and hand it on: an `offer` to the receiver, a `ping` answered with `pong`, a
// `pair-request` to the pairing responder. Whatever happens, a failure goes back as an `error` frame, the control
// stream is FINed and the connection closed once the peer has had a moment to read our last frame.

import { ConnectionLostError, ProtocolVersionError, toFerryError } from '../errors.ts'
import { ControlChannel } from '../protocol/control-channel.ts'
import { errorFrame, toldToPeer } from '../protocol/error-frame.ts'
import { PROTOCOL_ID, helloSchema, intentSchema, type DeviceType, type Hello, type PairRequest } from '../protocol/messages.ts'
import type { FerryConnection, FerryStream } from '../transport/types.ts'
import { Deadline, settleWithin } from '../async/deadline.ts'
import { closeGracefully } from '../transport/close-gracefully.ts'
import type { IncomingOffer, ReceiveResult, RemotePeer } from '../transfer/incoming-offer.ts'
import { receiveTransfer, type ReceiverComponents } from '../receive/receiver.ts'

/** How long we wait for the peer to close after our last frame, in ms. */
const CLOSE_GRACE_MS = 3_000

export interface InboundHandlers {
  components: ReceiverComponents
  self: { alias: string, deviceType: DeviceType }
  emitOffer: (offer: IncomingOffer) => void
  /** Runs the pairing exchange; resolves when paired, throws a typed error otherwise. */
  pair: (control: ControlChannel, peer: RemotePeer, request: PairRequest, hello: Hello) => Promise<void>
}

/** The transfer's result for an offer; undefined for a ping or a pairing. */
export async function serveInbound (
  connection: FerryConnection,
  stream: FerryStream,
  remote: Omit<RemotePeer, 'alias' | 'deviceType'>,
  handlers: InboundHandlers
): Promise<ReceiveResult | undefined> {
  const { limits } = handlers.components
  const control = new ControlChannel(stream, limits.maxFrameBytes)
  // The whole offer must arrive by then, however its frames trickle in: a peer cannot hold a connection (and its
  // place under maxConnections) by sending a frame just before each idle timeout.
  const offerDeadline = new Deadline(limits.offerTimeoutMs)
  try {
    const hello = await offerDeadline.wait(control.receive(helloSchema), limits.idleTimeoutMs, 'No hello from the peer')
    if (hello.protocol !== PROTOCOL_ID) throw new ProtocolVersionError(`Unsupported protocol ${hello.protocol}; this device speaks ${PROTOCOL_ID}`)
    const intent = await offerDeadline.wait(control.receive(intentSchema), limits.idleTimeoutMs, 'No offer from the peer')
    switch (intent.type) {
      case 'offer':
        return await receiveTransfer(connection, control, remote, hello, intent, handlers.components, handlers.emitOffer, offerDeadline)
      case 'ping':
        await control.send({ type: 'pong', alias: handlers.self.alias, deviceType: handlers.self.deviceType })
        return undefined
      case 'pair-request':
        await handlers.pair(control, { ...remote, alias: hello.alias, deviceType: hello.deviceType }, intent, hello)
        return undefined
    }
  } catch (err) {
    const error = toFerryError(err, (m, o) => new ConnectionLostError(m, o))
    if (toldToPeer(err)) await control.sendLast(errorFrame(error))
    throw error
  } finally {
    // The peer closes once it has read our last frame; give it a moment so that frame is not cut off. A peer that
    // never reads gets no more than that moment either: the queued frames are dropped with the connection.
    await settleWithin(control.finish(), CLOSE_GRACE_MS)
    await closeGracefully(connection, CLOSE_GRACE_MS)
  }
}
