// The test peer's receiving side: a LocalSend v2 server written from the protocol's README (sections 3.2, 4, 6.1),
// sharing no code with Ferry's. One session at a time (409 otherwise), the PIN as `?pin=` (401), tokens per file,
// uploads checked against the sender's address, SHA-256 checked when declared (422). Received files are kept in
// memory (tests send small ones) and everything a sender did is recorded for the tests to look at.

import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createHash, randomUUID, X509Certificate } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { peerCertificate } from './certificate.ts'
import { peerInfo } from './peer-client.ts'

export interface OfferedFile {
  id: string
  fileName: string
  size: number
  fileType: string
  sha256?: string | null
  preview?: string | null
}

export type Decision = 'accept' | 'decline' | readonly string[]

export interface PeerServerOptions {
  protocol: 'http' | 'https'
  /** Address to listen on; loopback by default. */
  host?: string
  pin?: string
  /** What to answer a prepare-upload with; all files by default. */
  decide?: (files: OfferedFile[]) => Decision | Promise<Decision>
  /** Refuse every upload with this status (403 a cancelled session, 422 a damaged file), after reading `afterBytes`. */
  refuseUploads?: { status: number, afterBytes?: number, abrupt?: boolean }
  /** Each upload, once read, waits (up to 2 s) until this many uploads ran at once, to see a sender's parallelism. */
  holdUploadsFor?: number
  /** Called when an upload has received `bytes` bytes so far. */
  onUploadBytes?: (bytes: number, file: OfferedFile) => void
}

interface Session {
  id: string
  ip: string
  files: Map<string, { file: OfferedFile, token: string, done: boolean }>
}

export interface PeerServer {
  port: number
  fingerprint: string
  received: Map<string, Buffer>
  registers: Array<{ body: Record<string, unknown>, clientFingerprint?: string }>
  prepares: Array<{ files: OfferedFile[], info: Record<string, unknown>, clientFingerprint?: string, pin?: string }>
  cancels: Array<{ sessionId?: string }>
  messages: string[]
  /** Most uploads that ran at once. */
  mostParallelUploads: () => number
  /** The session held now, if any. */
  session: () => { id: string } | undefined
  close: () => Promise<void>
}

function ipOf (req: IncomingMessage): string {
  const ip = req.socket.remoteAddress ?? ''
  return ip.replace(/^::ffff:/, '')
}

function send (res: ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' })
  res.end(text)
}

async function readBody (req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
}

export async function startPeerServer (options: PeerServerOptions): Promise<PeerServer> {
  const cert = peerCertificate()
  let current: Session | undefined
  let uploading = 0
  let most = 0
  const state: Omit<PeerServer, 'port' | 'close'> = {
    fingerprint: options.protocol === 'https' ? cert.fingerprint : 'test-peer-random-string',
    received: new Map(),
    registers: [],
    prepares: [],
    cancels: [],
    messages: [],
    mostParallelUploads: () => most,
    session: () => current === undefined ? undefined : { id: current.id }
  }
  const clientFingerprint = (req: IncomingMessage): string | undefined => {
    if (options.protocol !== 'https') return undefined
    const raw = (req.socket as TLSSocket).getPeerCertificate().raw
    return raw === undefined ? undefined : createHash('sha256').update(new X509Certificate(raw).raw).digest('hex').toUpperCase()
  }
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://peer.invalid')
    const q = url.searchParams
    switch (url.pathname) {
      case '/api/localsend/v2/info':
        send(res, 200, peerInfo(options.protocol, port))
        return
      case '/api/localsend/v2/register': {
        const body = JSON.parse((await readBody(req)).toString()) as Record<string, unknown>
        const fp = clientFingerprint(req)
        state.registers.push({ body, ...(fp === undefined ? {} : { clientFingerprint: fp }) })
        send(res, 200, peerInfo(options.protocol, port))
        return
      }
      case '/api/localsend/v2/prepare-upload': {
        const body = JSON.parse((await readBody(req)).toString()) as { info: Record<string, unknown>, files: Record<string, OfferedFile> }
        const files = Object.values(body.files)
        const fp = clientFingerprint(req)
        state.prepares.push({ files, info: body.info, ...(fp === undefined ? {} : { clientFingerprint: fp }), ...(q.get('pin') === null ? {} : { pin: q.get('pin') as string }) })
        if (options.pin !== undefined && q.get('pin') !== options.pin) {
          send(res, 401, { message: q.get('pin') === null ? 'PIN required' : 'Invalid PIN' })
          return
        }
        if (current !== undefined) {
          send(res, 409, { message: 'Blocked by another session' })
          return
        }
        if (files.length === 1 && files[0]?.fileType === 'text/plain' && typeof files[0].preview === 'string') {
          state.messages.push(files[0].preview)
          send(res, 204)
          return
        }
        const session: Session = { id: randomUUID(), ip: ipOf(req), files: new Map() }
        current = session
        const decision = await (options.decide ?? (() => 'accept' as const))(files)
        if (decision === 'decline') {
          current = undefined
          send(res, 403, { message: 'Rejected' })
          return
        }
        const accepted = decision === 'accept' ? files.map((f) => f.id) : decision
        for (const file of files) if (accepted.includes(file.id)) session.files.set(file.id, { file, token: randomUUID(), done: false })
        if (session.files.size === 0) {
          current = undefined
          send(res, 204)
          return
        }
        send(res, 200, { sessionId: session.id, files: Object.fromEntries([...session.files].map(([id, f]) => [id, f.token])) })
        return
      }
      case '/api/localsend/v2/upload': {
        const entry = current?.files.get(q.get('fileId') ?? '')
        if (current === undefined || q.get('sessionId') !== current.id || entry === undefined || entry.token !== q.get('token') || ipOf(req) !== current.ip) {
          req.resume()
          send(res, 403, { message: 'Invalid token or IP address' })
          return
        }
        uploading++
        most = Math.max(most, uploading)
        res.once('close', () => { uploading-- })
        const chunks: Buffer[] = []
        let length = 0
        let refused = false
        for await (const chunk of req as AsyncIterable<Buffer>) {
          // After a refusal the rest is read and dropped, and the answer goes out once it is all in: an answer sent
          // while the sender still writes ends the connection under it (EPIPE, or a reset that can discard the
          // answer before the sender reads it). `abrupt` answers and closes at once, as a careless device may.
          if (refused) continue
          chunks.push(chunk)
          length += chunk.byteLength
          options.onUploadBytes?.(length, entry.file)
          if (options.refuseUploads !== undefined && length >= (options.refuseUploads.afterBytes ?? 0)) {
            if (options.refuseUploads.abrupt === true) {
              send(res, options.refuseUploads.status, { message: 'Refused by the test peer' })
              req.destroy()
              return
            }
            refused = true
          }
        }
        if (refused && options.refuseUploads !== undefined) {
          send(res, options.refuseUploads.status, { message: 'Refused by the test peer' })
          return
        }
        const data = Buffer.concat(chunks)
        for (let waited = 0; options.holdUploadsFor !== undefined && most < options.holdUploadsFor && waited < 2000; waited += 10) {
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        if (typeof entry.file.sha256 === 'string' && createHash('sha256').update(data).digest('hex') !== entry.file.sha256.toLowerCase()) {
          send(res, 422, { message: 'Checksum mismatch' })
          return
        }
        state.received.set(entry.file.fileName, data)
        entry.done = true
        if ([...current.files.values()].every((f) => f.done)) current = undefined
        send(res, 200)
        return
      }
      case '/api/localsend/v2/cancel': {
        req.resume()
        state.cancels.push(q.get('sessionId') === null ? {} : { sessionId: q.get('sessionId') as string })
        if (current !== undefined && (q.get('sessionId') === null || q.get('sessionId') === current.id)) current = undefined
        send(res, 200)
        return
      }
      default:
        req.resume()
        send(res, 404, { message: 'Not found' })
    }
  }
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handler(req, res).catch(() => { if (!res.headersSent) send(res, 500, { message: 'Unknown error by receiver' }); else res.destroy() })
  }
  const server: Server = options.protocol === 'https'
    ? createHttpsServer({ cert: cert.cert, key: cert.key, requestCert: true, rejectUnauthorized: false }, onRequest)
    : createHttpServer(onRequest)
  await new Promise<void>((resolve) => { server.listen(0, options.host ?? '127.0.0.1', resolve) })
  const port = (server.address() as AddressInfo).port
  return {
    ...state,
    port,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
    }
  }
}
