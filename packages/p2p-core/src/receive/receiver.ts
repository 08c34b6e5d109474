// The receiving side of a transfer (docs/protocol.md): read and check the offer, ask the app, then hand an accepted
// transfer to accepted-transfer.ts. The transfer is a ReceiveLife state machine with one terminal state; each file is
// an IncomingFile behind the destination boundary: written to a hidden partial while it is hashed, and linked to its
// visible name only when its BLAKE3 matches the sender's and the transfer is still streaming. This file owns the
// offer's part: the decision, a sender that withdraws or speaks out of turn while the user decides, and what an
// interrupted accepted transfer leaves for its reconnect.

import {
  BadFrameError, BusyError, CancelledError, ConnectionLostError, TimeoutError, errorFromJson, toFerryError
} from '../errors.ts'
import type { FerryLimits } from '../limits.ts'
import type { Logger } from '../logger.ts'
import type { ControlChannel } from '../protocol/control-channel.ts'
import type { Hello, Offer } from '../protocol/messages.ts'
import type { FerryConnection } from '../transport/types.ts'
import { Deadline, withTimeout } from '../async/deadline.ts'
import { deferred } from '../async/deferred.ts'
import type {
  Continuation, IncomingOffer, OfferDecision, OfferedFileInfo, ReceiveResult, RemotePeer
} from '../transfer/incoming-offer.ts'
import type { InterruptedTransfers } from '../transfer/interrupted.ts'
import { receiveAccepted } from './accepted-transfer.ts'
import { ControlInbox, StreamInbox } from './inboxes.ts'
import { readOfferFiles } from './offer-reader.ts'
import type { ReceiveBudget } from './receive-budget.ts'
import type { BatchPool } from './batch-pool.ts'
import { ReceiveLife } from './receive-life.ts'
import type { ClaimHolder, PartialClaims, PartialNames } from './partial-names.ts'
import type { RecentSaves } from './recent-saves.ts'

export interface ReceiverComponents {
  limits: FerryLimits
  logger: Logger
  /** Names of partial files, keyed by a secret of this device. */
  names: PartialNames
  /** Partial files in use by transfers of this process. */
  claims: PartialClaims
  /** Bounds across all peers. */
  budget: ReceiveBudget
  /** Receive buffers shared by all transfers (`receiveBuffers` of `WRITE_BATCH_CHUNKS` x `chunkBytes`). */
  buffers: BatchPool
  /** Accepted transfers that were interrupted; a reconnect of one is offered with `continues`. */
  interrupted?: InterruptedTransfers
  /** Files saved recently, by sender: the same files sent again are not taken again (recent-saves.ts). */
  recentSaves?: RecentSaves
  /** This connection's transfer as the holder of the partials it claims (the engine's session for it). */
  holder?: ClaimHolder
}

/** Reads of `chunkBytes` gathered into one write and one hash update (1 MiB by default; measured for issue 8). */
export const WRITE_BATCH_CHUNKS = 4

/**
 * Runs one incoming transfer on `connection` once `hello` and `offer` have arrived on `control` (engine/inbound.ts
 * reads them, and sends the error frame and closes the connection however this ends). `emitOffer` hands the offer
 * to the app; the returned promise settles when the transfer ends (also when declined or failed).
 */
export async function receiveTransfer (
  connection: FerryConnection,
  control: ControlChannel,
  remote: Omit<RemotePeer, 'alias' | 'deviceType'>,
  hello: Hello,
  offer: Offer,
  components: ReceiverComponents,
  emitOffer: (offer: IncomingOffer) => void,
  offerDeadline: Deadline = new Deadline(components.limits.offerTimeoutMs)
): Promise<ReceiveResult> {
  const { files, pathBytes } = await readOfferFiles(control, offer, components.limits, components.budget, offerDeadline)
  try {
    return await runOffer({ connection, control, remote, hello, text: offer.text, totalBytes: offer.totalBytes, files, components, emitOffer })
  } finally {
    components.budget.releasePathBytes(pathBytes)
  }
}
/** An offer read and checked, with what the transfer needs from the node. */
export interface RunOfferInit {
  connection: FerryConnection
  control: ControlChannel
  remote: Omit<RemotePeer, 'alias' | 'deviceType'>
  hello: Hello
  text: string | undefined
  totalBytes: number
  files: OfferedFileInfo[]
  components: ReceiverComponents
  emitOffer: (offer: IncomingOffer) => void
}

async function runOffer (init: RunOfferInit): Promise<ReceiveResult> {
  const { control, connection, components: { limits, budget } } = init
  const life = new ReceiveLife()
  const started = performance.now()
  const decision = deferred<OfferDecision>()
  const outcome = deferred<ReceiveResult>()
  const withdrawn = new AbortController()
  let responded = false
  const key = { transferId: init.hello.transferId, peerId: init.remote.peerId, files: init.files }
  const interrupted = init.components.interrupted
  if (!budget.holdOffer()) throw new BusyError(`This device has ${limits.maxPendingOffers} offers waiting already; try again shortly`)
  let holdingOffer = true
  const releaseOffer = (): void => {
    if (holdingOffer) budget.releaseOffer()
    holdingOffer = false
  }
  const offer: IncomingOffer = {
    transferId: init.hello.transferId,
    from: { ...init.remote, alias: init.hello.alias, deviceType: init.hello.deviceType },
    files: init.files,
    totalBytes: init.totalBytes,
    ...(init.text === undefined ? {} : { text: init.text }),
    withdrawn: withdrawn.signal,
    respond: async (d) => {
      if (responded) throw new Error('This offer was already answered')
      responded = true
      decision.resolve(d)
      return await outcome.promise
    }
  }
  const inbox = new ControlInbox(control)
  const streams = new StreamInbox(connection)
  let accepted: Continuation | undefined
  /** Ids of the accepted files saved so far: a continuation after an interruption does not take them again. */
  const savedIds = new Set<number>()
  let endRunning: (() => void) | undefined
  try {
    const continues = await interrupted?.takeOver(key)
    if (continues !== undefined) offer.continues = continues
    // While the user decides, the sender may withdraw; anything else it sends (a control frame, a data stream) is a
    // protocol violation that ends the offer at once, so an undecided offer holds no unread data.
    const withdrawal = inbox.next().then((message) => {
      if (message === null) throw new ConnectionLostError('The sender went away before the offer was answered')
      if (message.type === 'cancel') throw new CancelledError('The sender withdrew the offer')
      if (message.type === 'error') throw errorFromJson(message)
      throw new BadFrameError('The sender spoke before the offer was answered')
    })
    let deciding = true
    const earlyData = new Promise<never>((_resolve, reject) => {
      streams.next().then((stream) => {
        if (!deciding) return // the first data stream after the answer: the data loop takes it
        stream.reset()
        reject(new BadFrameError('A data stream arrived before the offer was answered'))
      }, () => {})
    })
    withdrawal.catch(() => {})
    earlyData.catch(() => {})
    init.emitOffer(offer)
    const chosen = await withTimeout(Promise.race([decision.promise, withdrawal, earlyData]), limits.answerTimeoutMs, 'Nobody answered the offer in time')
      .finally(() => { deciding = false })
    releaseOffer()
    if (!chosen.accept) {
      life.decline()
      await control.send({ type: 'answer', accepted: false, files: [], done: true })
      const result: ReceiveResult = { transferId: offer.transferId, status: 'declined', files: [], bytesReceived: 0, bytesResumed: 0, seconds: 0, ...(init.text === undefined ? {} : { text: init.text }) }
      outcome.resolve(result)
      return result
    }
    accepted = { fileIds: chosen.files ?? init.files.map((f) => f.id), dir: chosen.dir }
    let replaced = false
    endRunning = interrupted?.running(key, () => {
      replaced = true
      life.fail(new ConnectionLostError('The sender reconnected this transfer on a new connection'))
    })
    const result = await receiveAccepted(init, chosen, { inbox, streams, life, started, replaced: () => replaced, saved: savedIds })
    interrupted?.forget(key.transferId, key.peerId)
    outcome.resolve(result)
    return result
  } catch (err) {
    const error = toFerryError(err, (m, o) => new ConnectionLostError(m, o))
    life.fail(error)
    // An offer that ends before the app answered it is gone however it ended (the sender cancelled, reported an error,
    // ended its stream or its connection): the app's question must come down, or it waits for ever.
    if (!responded || error instanceof CancelledError || error instanceof TimeoutError || error instanceof BadFrameError) withdrawn.abort(error)
    // Lost or silent after it was accepted: the sender may reconnect, and then it goes on without a new question,
    // for the files not saved yet (the sender offers them all again: each one saved would be saved twice).
    if (accepted !== undefined && (error instanceof ConnectionLostError || error instanceof TimeoutError)) {
      interrupted?.remember(key, { ...accepted, fileIds: accepted.fileIds.filter((id) => !savedIds.has(id)) })
    } else interrupted?.forget(key.transferId, key.peerId)
    outcome.reject(error)
    throw error
  } finally {
    releaseOffer()
    endRunning?.()
  }
}
