// Ferry's LocalSend server (protocol v2, sections 3.2, 4 and 6.1): HTTPS with this device's certificate (asking
// for the client's, as the newer LocalSend apps do: mutual TLS) or plain http for older apps. Routes: info,
// register, prepare-upload (a ReceiveSession raised to the app as an offer), upload, cancel. The PIN, the session
// limit (409 while busy, as LocalSend senders expect) and every body limit are checked before anything is kept.

import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { TLSSocket } from 'node:tls'
import type { AddressInfo, Socket } from 'node:net'
import {
  OfferedPaths, OfferTooLargeError, sanitizeRelativePath, settleWithin, shortCodeFor, silentLogger, type DeviceType, type Logger,
  type OfferedFileInfo, type RemotePeer
} from '@ferry/p2p-core'
import {
  LocalSendBadRequestError, LocalSendBusyError, LocalSendForbiddenError, LocalSendPortInUseError,
  LocalSendTooManyFilesError
} from './errors.ts'
import { readJson, remoteIp, sendError, sendJson, sendEmpty } from './http-body.ts'
import { fingerprintOf, type LocalSendIdentity } from './identity.ts'
import { resolveLocalSendLimits, type LocalSendLimits } from './limits.ts'
import { PinGuard } from './pin-guard.ts'
import {
  deviceInfoSchema, infoBody, prepareUploadRequestSchema, ROUTES, textMessageOf, type DeviceInfo, type LocalInfo,
  type LocalSendDeviceType
} from './protocol.ts'
import { ReceiveSession, type LocalSendOffer, type LocalSendSender } from './receive-session.ts'

/** A LocalSend device that made itself known: by register, or by a multicast announce (see discovery.ts). */
export interface LocalSendDevice {
  info: DeviceInfo
  ip: string
  /** Where its server listens (its announced port, or LocalSend's default). */
  port: number
  protocol: 'http' | 'https'
  /** The fingerprint proven by its client certificate, when it registered over mutual TLS. */
  certificateFingerprint?: string
}

export interface LocalSendServerInit {
  identity: LocalSendIdentity
  alias: string
  deviceModel?: string
  deviceType?: LocalSendDeviceType
  /** 'https' (default) or 'http' for older apps; http has no certificate, so the fingerprint is only claimed. */
  protocol?: 'http' | 'https'
  host?: string
  /** TCP port; LocalSend's default is 53317. 0 picks a free one. */
  port: number
  /** A PIN senders must give (`?pin=`); none by default. */
  pin?: string
  /** Refuse TLS clients that present no certificate (the newest LocalSend apps do); off, so older apps still send. */
  requireClientCertificate?: boolean
  limits?: Partial<LocalSendLimits>
  logger?: Logger
  onOffer: (offer: LocalSendOffer) => void
  onRegister?: (device: LocalSendDevice) => void
  /** POST /cancel for a session this server does not hold: the device may be cancelling what we send to it. */
  onCancelReceived?: (event: { ip: string, sessionId?: string }) => void
}

const LOCALSEND_TO_FERRY: Record<LocalSendDeviceType, DeviceType> = {
  mobile: 'phone', desktop: 'desktop', web: 'unknown', headless: 'server', server: 'server'
}

export function ferryDeviceType (type: LocalSendDeviceType | undefined): DeviceType {
  return type === undefined ? 'unknown' : LOCALSEND_TO_FERRY[type]
}

/** The peer id Ferry gives a LocalSend device: its fingerprint under a `localsend:` prefix. */
export function localSendPeerId (fingerprint: string): string {
  return `localsend:${fingerprint.toUpperCase()}`
}

export class LocalSendServer {
  readonly limits: LocalSendLimits
  readonly protocol: 'http' | 'https'
  readonly #init: LocalSendServerInit
  readonly #server: Server
  readonly #pins: PinGuard
  readonly #sessions = new Map<string, ReceiveSession>()
  readonly #logger: Logger
  readonly #sockets = new Set<Socket>()
  /** Requests being handled, until their answer has left (or their connection went). */
  readonly #inFlight = new Set<ServerResponse>()
  #closing: Promise<void> | undefined
  #port = 0

  constructor (init: LocalSendServerInit) {
    this.#init = init
    this.limits = resolveLocalSendLimits(init.limits)
    this.protocol = init.protocol ?? 'https'
    this.#logger = init.logger ?? silentLogger
    this.#pins = new PinGuard(this.limits, init.pin)
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      if (this.#closing !== undefined) {
        res.setHeader('connection', 'close')
        sendError(req, res, new LocalSendForbiddenError('This device stopped receiving'))
        return
      }
      this.#inFlight.add(res)
      res.once('close', () => { this.#inFlight.delete(res) })
      void this.#handle(req, res)
    }
    this.#server = this.protocol === 'https'
      ? createHttpsServer({
        key: init.identity.keyPem,
        cert: init.identity.certPem,
        requestCert: true,
        // Self-signed certificates all: who a client is, is its fingerprint (checked where it matters), not a CA.
        rejectUnauthorized: false
      }, handler)
      : createHttpServer(handler)
    this.#server.maxConnections = this.limits.maxConnections
    this.#server.headersTimeout = 30_000
    this.#server.requestTimeout = 0 // an upload of a big file may take hours; the session's idle timer ends stalls
    this.#server.keepAliveTimeout = 5_000
    this.#server.on('connection', (socket: Socket) => {
      if (this.#closing !== undefined) {
        socket.destroy()
        return
      }
      this.#sockets.add(socket)
      socket.once('close', () => { this.#sockets.delete(socket) })
    })
    if (this.protocol === 'https' && init.requireClientCertificate === true) {
      this.#server.on('secureConnection', (socket: TLSSocket) => {
        if (Object.keys(socket.getPeerCertificate()).length === 0) socket.destroy()
      })
    }
  }

  /** This device as LocalSend peers see it. */
  get info (): LocalInfo {
    return {
      alias: this.#init.alias,
      ...(this.#init.deviceModel === undefined ? {} : { deviceModel: this.#init.deviceModel }),
      deviceType: this.#init.deviceType ?? 'desktop',
      fingerprint: this.#init.identity.fingerprint,
      port: this.#port,
      protocol: this.protocol
    }
  }

  get port (): number {
    return this.#port
  }

  /** Sessions open now (deciding or receiving). */
  get sessionCount (): number {
    return this.#sessions.size
  }

  /** Requests being handled now (answered or not), whose answers have not yet left. */
  get requestsInFlight (): number {
    return this.#inFlight.size
  }

  /** Addresses whose wrong PINs are remembered now. */
  get pinTrackedAddresses (): number {
    return this.#pins.tracked
  }

  set pin (pin: string | undefined) {
    this.#pins.pin = pin
  }

  async listen (): Promise<{ host: string, port: number }> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(err.code === 'EADDRINUSE'
          ? new LocalSendPortInUseError(`LocalSend's port ${this.#init.port} is taken by another program; LocalSend devices cannot send to this one until it is free (Ferry itself still works)`, { cause: err })
          : err)
      }
      this.#server.once('error', onError)
      this.#server.listen(this.#init.port, this.#init.host ?? '0.0.0.0', () => {
        this.#server.off('error', onError)
        resolve()
      })
    })
    const address = this.#server.address() as AddressInfo
    this.#port = address.port
    return { host: address.address, port: address.port }
  }

  /**
   * Stops receiving: new connections are refused, every session ends, and the requests under way get their answers
   * (the last upload's 200, the 403 that ends an offer still waiting, an error) before the connections close; a
   * client that does not take its answer, or never finishes its request, is cut after `closeWaitMs`.
   */
  async close (): Promise<void> {
    this.#closing ??= this.#close()
    await this.#closing
  }

  async #close (): Promise<void> {
    for (const session of this.#sessions.values()) session.end(new LocalSendForbiddenError('This device stopped receiving'))
    // An answer given is not yet an answer received: over TLS especially, its bytes may still wait in the socket.
    // Node's server.close() destroys a connection as soon as its answer is written, so it comes after the wait.
    const answered = [...this.#inFlight].map(async (res) => { await new Promise((resolve) => { res.once('close', resolve) }) })
    await settleWithin(Promise.all(answered), this.limits.closeWaitMs)
    const closed = new Promise<void>((resolve) => { this.#server.close(() => { resolve() }) })
    for (const socket of this.#sockets) socket.destroy()
    await closed
  }

  async #handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localsend.invalid')
      const route = `${req.method ?? 'GET'} ${url.pathname}`
      switch (route) {
        case `GET ${ROUTES.info}`:
        case `POST ${ROUTES.info}`:
          sendJson(res, 200, infoBody(this.info))
          return
        case `POST ${ROUTES.register}`:
          await this.#register(req, res)
          return
        case `POST ${ROUTES.prepareUpload}`:
          await this.#prepareUpload(req, res, url.searchParams)
          return
        case `POST ${ROUTES.upload}`:
          await this.#upload(req, res, url.searchParams)
          return
        case `POST ${ROUTES.cancel}`:
          this.#cancel(req, res, url.searchParams)
          return
        default:
          req.resume()
          sendJson(res, 404, { message: 'Not found' })
      }
    } catch (err) {
      this.#logger.debug('localsend %s %s: %s', req.method, req.url, (err as Error).message)
      sendError(req, res, err)
    }
  }

  /** The fingerprint of the client's certificate (mutual TLS), if it showed one. */
  #clientFingerprint (req: IncomingMessage): string | undefined {
    if (this.protocol !== 'https') return undefined
    const cert = (req.socket as TLSSocket).getPeerCertificate()
    return cert?.raw === undefined ? undefined : fingerprintOf(cert.raw)
  }

  async #register (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const info = await readJson(req, deviceInfoSchema, this.limits.maxJsonBodyBytes)
    const proven = this.#clientFingerprint(req)
    // Over mutual TLS a registration counts only if the claimed fingerprint is the certificate's (it cannot be
    // spoofed then); it is answered either way, as the spec asks.
    const valid = proven === undefined || info.fingerprint.toUpperCase() === proven
    if (valid && info.fingerprint.toUpperCase() !== this.#init.identity.fingerprint) {
      this.#init.onRegister?.({
        info,
        ip: remoteIp(req),
        port: info.port ?? 53317,
        protocol: info.protocol ?? 'https',
        ...(proven === undefined ? {} : { certificateFingerprint: proven })
      })
    }
    sendJson(res, 200, infoBody(this.info))
  }

  async #prepareUpload (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const ip = remoteIp(req)
    this.#pins.check(ip, query.get('pin') ?? undefined)
    const declared = Number(req.headers['content-length'] ?? 0)
    if (this.#sessions.size >= this.limits.maxSessions && declared <= this.limits.maxJsonBodyBytes) {
      throw new LocalSendBusyError('Blocked by another session')
    }
    const body = await readJson(req, prepareUploadRequestSchema, this.limits.maxJsonBodyBytes)
    if (this.#sessions.size >= this.limits.maxSessions) throw new LocalSendBusyError('Blocked by another session')
    const dtos = Object.values(body.files)
    if (dtos.length === 0) throw new LocalSendBadRequestError('No files provided')
    if (dtos.length > this.limits.maxFilesPerSession) throw new LocalSendTooManyFilesError(`An offer has at most ${this.limits.maxFilesPerSession} files; this one has ${dtos.length}`)
    const text = textMessageOf(dtos)
    if (text !== undefined && Buffer.byteLength(text) > this.limits.maxTextBytes) throw new OfferTooLargeError(`A text message has at most ${this.limits.maxTextBytes} bytes`)
    const paths = new OfferedPaths()
    const ids = new Set<string>()
    const files: { info: OfferedFileInfo, dto: (typeof dtos)[number] }[] = []
    if (text === undefined) {
      for (const [key, dto] of Object.entries(body.files)) {
        if (dto.id !== key || ids.has(dto.id)) throw new LocalSendBadRequestError(`Invalid body: file id ${JSON.stringify(dto.id)} does not match its key`)
        ids.add(dto.id)
        // Every name a LocalSend peer sends goes through the one sanitiser before anything touches the disk.
        const parts = sanitizeRelativePath(dto.fileName, this.limits)
        paths.add(parts)
        const modified = Date.parse(dto.metadata?.modified ?? '')
        files.push({ info: { id: files.length, path: parts.join('/'), size: dto.size, mtimeMs: Number.isFinite(modified) ? Math.max(0, modified) : 0 }, dto })
      }
    }
    const proven = this.#clientFingerprint(req)
    const sender: LocalSendSender = { info: body.info, ip, ...(proven === undefined ? {} : { certificateFingerprint: proven }) }
    const peerId = localSendPeerId(proven ?? body.info.fingerprint)
    const peer: RemotePeer = {
      peerId,
      shortCode: shortCodeFor(peerId),
      alias: body.info.alias,
      deviceType: ferryDeviceType(body.info.deviceType),
      address: { host: ip, port: body.info.port ?? 53317 }
    }
    const session = new ReceiveSession({
      sender,
      peer,
      files,
      ...(text === undefined ? {} : { text }),
      limits: this.limits,
      onEnd: (ended) => { if (this.#sessions.get(ended.id) === ended) this.#sessions.delete(ended.id) }
    })
    this.#sessions.set(session.id, session)
    this.#init.onOffer(session.offer)
    await session.answerPrepare(req, res)
  }

  async #upload (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const sessionId = query.get('sessionId')
    const fileId = query.get('fileId')
    const token = query.get('token')
    if (sessionId === null || fileId === null || token === null) throw new LocalSendBadRequestError('Missing parameters')
    const session = this.#sessions.get(sessionId)
    if (session === undefined) throw new LocalSendForbiddenError('Invalid token or IP address')
    await session.upload(req, res, { fileId, token, ip: remoteIp(req) })
  }

  #cancel (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    req.resume()
    const ip = remoteIp(req)
    const sessionId = query.get('sessionId') ?? undefined
    // A sender still waiting for prepare-upload's answer does not know its session id yet: a cancel from its
    // address without one withdraws that offer.
    const session = sessionId === undefined
      ? [...this.#sessions.values()].find((s) => s.state === 'deciding' && s.sender.ip === ip)
      : this.#sessions.get(sessionId)
    if (session !== undefined && session.sender.ip === ip) {
      session.cancelBySender()
    } else {
      this.#init.onCancelReceived?.({ ip, ...(sessionId === undefined ? {} : { sessionId }) })
    }
    sendEmpty(res, 200)
  }
}
