// The engine of one device: its identity, a QUIC listener that turns inbound connections into incoming offers
// (and answers pings and pairing requests), send(), ping() and pair(). Apps build exactly one (their composition
// root) and decide what to do with each offer and each pairing.

import { EventEmitter } from 'node:events'
import { BusyError, CancelledError, TooManySessionsError, toFerryError, ConnectionLostError, type FerryError } from '../errors.ts'
import { HashPool } from '../hash/hash-pool.ts'
import type { Identity } from '../identity/identity.ts'
import { shortCodeFor } from '../identity/identity.ts'
import { resolveLimits, type FerryLimits } from '../limits.ts'
import { silentLogger, type Logger } from '../logger.ts'
import { ControlChannel } from '../protocol/control-channel.ts'
import { errorFrame } from '../protocol/error-frame.ts'
import { sleep, withTimeout } from '../async/deadline.ts'
import { randomId } from '../protocol/ids.ts'
import { closeGracefully } from '../transport/close-gracefully.ts'
import { InterruptedTransfers } from '../transfer/interrupted.ts'
import { RecentSaves } from '../receive/recent-saves.ts'
import { PartialClaims, partialNamesFor, type PartialNames } from '../receive/partial-names.ts'
import { ReceiveBudget } from '../receive/receive-budget.ts'
import { BatchPool } from '../receive/batch-pool.ts'
import { WRITE_BATCH_CHUNKS } from '../receive/receiver.ts'
import type { DeviceType } from '../protocol/messages.ts'
import { createQuicTransport } from '../transport/quic-transport.ts'
import type { QuinnOptions } from '../transport/quic-napi.ts'
import type { FerryConnection, FerryListener, PeerAddress, Transport } from '../transport/types.ts'
import type { IncomingOffer, ReceiveResult, RemotePeer } from '../transfer/incoming-offer.ts'
import { PairingGuard } from '../pairing/pairing-guard.ts'
import { answerPairing } from '../pairing/pairing-responder.ts'
import { pairWith, type PairRequest, type PairResult } from '../pairing/pair-with.ts'
import { PIN_PATTERN } from '../pairing/pin-exchange.ts'
import { serveInbound } from './inbound.ts'
import { pingPeer, type PingRequest, type PingResult } from './ping.ts'
import { PeerSessions, trackActivity } from './peer-sessions.ts'
import { sendTransfer } from '../transfer/sender.ts'
import type { AttemptState, SendRequest, SendResult } from '../transfer/send-request.ts'
import { backoffDelay, isReconnectable } from './reconnect.ts'

export interface FerryNodeInit {
  identity: Identity
  alias?: string
  deviceType?: DeviceType
  /** Where to listen; port 0 picks a free one. Default 0.0.0.0:0. */
  listen?: PeerAddress
  limits?: Partial<FerryLimits>
  logger?: Logger
  quinn?: Partial<QuinnOptions>
  /** For tests: a transport to use instead of QUIC (e.g. one that injects faults). */
  transport?: Transport
  /** The BLAKE3 worker's module when the engine is bundled (HashPoolOptions.workerUrl); default the source file. */
  hashWorkerUrl?: URL
}

export interface FerryNodeEvents {
  /** An offer waiting for the app's decision; nobody listening means it is declined. */
  offer: [offer: IncomingOffer]
  /** An incoming transfer ended, however it ended. */
  'transfer-end': [event: { transferId: string, result?: ReceiveResult, error?: FerryError }]
  /** A peer proved the PIN set with setPairingPin(); the app decides what that means (usually: trust it). */
  paired: [event: { peer: RemotePeer }]
  /** A pairing attempt failed: a wrong PIN, the rate limit, no PIN set, or a peer that gave up. */
  'pairing-failed': [event: { peer: RemotePeer, error: FerryError }]
}

/** At most 64 UTF-16 units, cut between characters (the hello frame's limit). */
function shortenAlias (alias: string): string {
  const chars = [...alias]
  while (chars.join('').length > 64) chars.pop()
  return chars.join('')
}

/** How long a refused connection may take to open its first stream, to read why it is refused, in ms. */
const REFUSE_WAIT_MS = 1_000

/** Tells a connection's first stream why it is refused (an `error` frame), then closes it. */
async function refuse (connection: FerryConnection, error: FerryError, maxFrameBytes: number): Promise<void> {
  try {
    const stream = await withTimeout(connection.acceptStream(), REFUSE_WAIT_MS, 'The peer opened no stream')
    const control = new ControlChannel(stream, maxFrameBytes)
    await control.sendLast(errorFrame(error), REFUSE_WAIT_MS)
    await control.finish()
    await closeGracefully(connection, REFUSE_WAIT_MS)
  } catch {
    // It opened no stream in time: nothing to tell.
  } finally {
    connection.close()
  }
}

export class FerryNode extends EventEmitter<FerryNodeEvents> {
  readonly peerId: string
  readonly shortCode: string
  #alias: string
  #limits: FerryLimits
  readonly #transport: Transport
  readonly #listener: FerryListener
  readonly #hashPool: HashPool
  readonly #logger: Logger
  /** What this device calls itself in hello frames (at most 64 characters). */
  get alias (): string {
    return this.#alias
  }

  /** Renames this device for every connection from now on; a longer alias is shortened to 64 characters. */
  setAlias (alias: string): void {
    this.#alias = shortenAlias(alias)
  }

  get limits (): FerryLimits {
    return this.#limits
  }

  /** Changes limits for transfers that start from now on (running ones keep theirs). */
  setLimits (patch: Partial<FerryLimits>): void {
    this.#limits = resolveLimits({ ...this.#limits, ...patch })
  }

  /** The engine's BLAKE3 workers, for a share server in the same app to hash with (it does not close them). */
  get hashPool (): HashPool {
    return this.#hashPool
  }

  readonly #deviceType: DeviceType
  readonly #sessions: PeerSessions
  readonly #open = new Set<FerryConnection>()
  readonly #pairingGuard: PairingGuard
  readonly #interrupted = new InterruptedTransfers(() => this.limits)
  readonly #partialNames: PartialNames
  readonly #partialClaims = new PartialClaims()
  readonly #recentSaves = new RecentSaves(() => this.limits)
  readonly #budget = new ReceiveBudget(() => this.limits)
  readonly #buffers: BatchPool
  #pairingPin: string | undefined
  /** Connections being refused because `maxConnections` were open. */
  #refusing = 0
  #closed = false

  private constructor (init: { identity: Identity, alias: string, deviceType: DeviceType, limits: FerryLimits, logger: Logger, transport: Transport, listener: FerryListener, hashWorkerUrl: URL | undefined }) {
    super()
    this.peerId = init.identity.peerId
    this.shortCode = init.identity.shortCode
    this.#alias = init.alias
    this.#limits = init.limits
    this.#deviceType = init.deviceType
    this.#logger = init.logger
    this.#transport = init.transport
    this.#listener = init.listener
    this.#hashPool = new HashPool(init.hashWorkerUrl === undefined ? {} : { workerUrl: init.hashWorkerUrl })
    this.#partialNames = partialNamesFor(init.identity.privateKey)
    this.#buffers = new BatchPool(init.limits.receiveBuffers, init.limits.chunkBytes * WRITE_BATCH_CHUNKS)
    this.#sessions = new PeerSessions(init.limits)
    this.#pairingGuard = new PairingGuard(init.limits)
    void this.#acceptLoop()
  }

  static async create (init: FerryNodeInit): Promise<FerryNode> {
    const limits = resolveLimits(init.limits)
    const transport = init.transport ?? await createQuicTransport({ identity: init.identity, quinn: init.quinn })
    const listener = await transport.listen(init.listen ?? { host: '0.0.0.0', port: 0 })
    return new FerryNode({
      identity: init.identity,
      hashWorkerUrl: init.hashWorkerUrl,
      // The protocol carries at most 64 characters of alias; a longer one is shortened, not refused by every peer.
      alias: shortenAlias(init.alias ?? 'Ferry device'),
      deviceType: init.deviceType ?? 'desktop',
      limits,
      logger: init.logger ?? silentLogger,
      transport,
      listener
    })
  }

  /** The address this node listens on (host as bound; 0.0.0.0 means every interface). */
  get address (): PeerAddress {
    return this.#listener.address
  }

  /**
   * Sends files, folders and/or a text to a peer; resolves once the receiver has verified every file. An accepted
   * transfer that is interrupted reconnects under the same transfer id (see SendRequest.reconnect), and the receiver
   * continues it from its partial files.
   */
  async send (request: SendRequest): Promise<SendResult> {
    if (this.#closed) throw new CancelledError('This Ferry node is closed')
    const transferId = request.transferId ?? randomId()
    const state: AttemptState = { accepted: false }
    for (let attempt = 1; ; attempt++) {
      const limits = this.limits
      try {
        return await sendTransfer({ ...request, transferId }, {
          transport: this.#transport, limits, logger: this.#logger, alias: this.alias, deviceType: this.#deviceType
        }, state)
      } catch (err) {
        if (request.reconnect === false || attempt > limits.reconnectAttempts || this.#closed || !isReconnectable(err, state.accepted)) throw err
        const delayMs = backoffDelay(attempt, limits.reconnectBaseMs, limits.reconnectMaxMs)
        this.#logger.debug(`transfer ${transferId} interrupted; reconnecting in ${delayMs} ms (attempt ${attempt} of ${limits.reconnectAttempts})`, err)
        request.onReconnect?.({ attempt, of: limits.reconnectAttempts, delayMs, error: err as FerryError })
        try {
          await sleep(delayMs, request.signal)
        } catch {
          throw new CancelledError('The transfer was cancelled', { cause: err })
        }
      }
    }
  }

  get deviceType (): DeviceType {
    return this.#deviceType
  }

  /** Checks that a peer is there and proves its id (discovery's probe); resolves with its alias and the round trip. */
  async ping (request: PingRequest): Promise<PingResult> {
    if (this.#closed) throw new CancelledError('This Ferry node is closed')
    return await pingPeer(request, this.#outbound())
  }

  /** Pairs with a peer that shows a PIN (its app called setPairingPin); resolves with the device paired with. */
  async pair (request: PairRequest): Promise<PairResult> {
    if (this.#closed) throw new CancelledError('This Ferry node is closed')
    return await pairWith(request, { ...this.#outbound(), selfPeerId: this.peerId, replyTimeoutMs: this.limits.idleTimeoutMs })
  }

  /**
   * The PIN this device shows for pairing (6 digits), or undefined to refuse pairing. The app picks and shows it
   * (generatePin) and decides what a `paired` event means; wrong PINs are rate limited per the pairing limits.
   */
  setPairingPin (pin: string | undefined): void {
    if (pin !== undefined && !PIN_PATTERN.test(pin)) throw new RangeError('A pairing PIN is 6 digits')
    this.#pairingPin = pin
  }

  #outbound (): { transport: Transport, maxFrameBytes: number, alias: string, deviceType: DeviceType } {
    return { transport: this.#transport, maxFrameBytes: this.limits.maxFrameBytes, alias: this.alias, deviceType: this.#deviceType }
  }

  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const connection of this.#open) connection.close()
    await this.#listener.close()
    await this.#transport.close()
    await this.#hashPool.close()
  }

  async #acceptLoop (): Promise<void> {
    while (!this.#closed) {
      let connection: FerryConnection
      try {
        connection = await this.#listener.accept()
      } catch (err) {
        if (!this.#closed) this.#logger.warn('accept failed', err)
        continue
      }
      // Peer ids are free to make: beside the per-peer session limit, all peers together get `maxConnections`, and
      // one network address `maxConnectionsPerAddress` (one machine making many ids cannot take every place).
      // One over either is told it is busy (for at most REFUSE_WAIT_MS); while `maxConnections` are being refused
      // already, it is closed at once.
      const fromAddress = [...this.#open].filter((c) => c.remoteAddress.host === connection.remoteAddress.host).length
      if (this.#open.size >= this.limits.maxConnections || fromAddress >= this.limits.maxConnectionsPerAddress) {
        if (this.#refusing >= this.limits.maxConnections) {
          connection.close()
          continue
        }
        this.#refusing++
        void refuse(connection, new BusyError('This device has too many connections open; try again shortly'), this.limits.maxFrameBytes)
          .finally(() => { this.#refusing-- })
        continue
      }
      this.#open.add(connection)
      void this.#serve(connection).finally(() => this.#open.delete(connection))
    }
  }

  async #serve (raw: FerryConnection): Promise<void> {
    const session = this.#sessions.admit(raw)
    if (session === undefined) {
      await refuse(raw, new TooManySessionsError(), this.limits.maxFrameBytes)
      return
    }
    const connection = trackActivity(session)
    const peer = raw.remotePeerId
    let transferId = ''
    try {
      const stream = await withTimeout(connection.acceptStream(), this.limits.idleTimeoutMs, 'The peer opened no stream')
      const remote = { peerId: peer, shortCode: shortCodeFor(peer), address: connection.remoteAddress }
      const result = await serveInbound(connection, stream, remote, {
        components: {
          limits: this.limits,
          logger: this.#logger,
          interrupted: this.#interrupted,
          names: this.#partialNames,
          claims: this.#partialClaims,
          recentSaves: this.#recentSaves,
          budget: this.#budget,
          buffers: this.#buffers,
          holder: this.#sessions.holder(session)
        },
        self: { alias: this.alias, deviceType: this.#deviceType },
        emitOffer: (offer) => {
          transferId = offer.transferId
          if (this.listenerCount('offer') === 0) void offer.respond({ accept: false }).catch(() => {})
          else this.emit('offer', offer)
        },
        pair: async (control, from, request) => {
          try {
            await answerPairing({
              control, request, senderPeerId: from.peerId, pin: this.#pairingPin, guard: this.#pairingGuard, limits: this.limits,
              self: { peerId: this.peerId, alias: this.alias, deviceType: this.#deviceType }
            })
          } catch (err) {
            this.emit('pairing-failed', { peer: from, error: toFerryError(err, (m, o) => new ConnectionLostError(m, o)) })
            throw err
          }
          this.emit('paired', { peer: from })
        }
      })
      if (result !== undefined) this.emit('transfer-end', { transferId: result.transferId, result })
    } catch (err) {
      const error = toFerryError(err, (m, o) => new ConnectionLostError(m, o))
      this.#logger.debug('incoming transfer failed', error)
      if (transferId !== '') this.emit('transfer-end', { transferId, error })
    } finally {
      this.#sessions.release(session)
      connection.close()
    }
  }
}
