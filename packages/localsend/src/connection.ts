// One HTTP(S) request to a LocalSend device. Over HTTPS the TLS handshake is finished, and the device's certificate
// fingerprint checked against the one known for it, before a byte of the request is written: a device that is not
// the one we know never sees the offer or the files. This device's certificate goes along as the client
// certificate (mutual TLS, which the newer LocalSend apps require).

import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { connect as tlsConnect, type TLSSocket } from 'node:tls'
import type { Duplex } from 'node:stream'
import { CancelledError, ConnectionLostError, TimeoutError, UnreachableError } from '@ferry/p2p-core'
import { LocalSendCertificateError } from './errors.ts'
import { fingerprintOf, type LocalSendIdentity } from './identity.ts'

export interface LocalSendTarget {
  host: string
  port: number
  protocol: 'http' | 'https'
  /** The fingerprint the device must present (uppercase hex); any certificate is taken when unknown. */
  fingerprint?: string
}

export interface Exchange {
  req: ClientRequest
  response: Promise<IncomingMessage>
  /** The certificate fingerprint the device presented (https), once connected. */
  fingerprint: () => string | undefined
}

export interface ExchangeOptions {
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string | number>
  identity: LocalSendIdentity
  signal?: AbortSignal
  /** The device must answer (headers) within this long, in ms. */
  timeoutMs: number
}

/** Starts a request; the caller writes the body to `req` and ends it. */
export function exchange (target: LocalSendTarget, options: ExchangeOptions): Exchange {
  let presented: string | undefined
  const base: RequestOptions = {
    host: target.host,
    port: target.port,
    method: options.method,
    path: options.path,
    headers: options.headers,
    agent: false
  }
  const req = target.protocol === 'http' ? httpRequest(base) : httpsRequest({ ...base, agent: pinnedAgent(target, options.identity, (fp) => { presented = fp }) })
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    const timer = setTimeout(() => { req.destroy(new TimeoutError(`The LocalSend device at ${target.host}:${target.port} did not answer in time`)) }, options.timeoutMs)
    timer.unref()
    const onAbort = (): void => { req.destroy(new CancelledError()) }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    if (options.signal?.aborted === true) onAbort()
    const cleanup = (): void => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
    }
    req.once('response', (res) => { cleanup(); resolve(res) })
    req.once('error', (err) => {
      cleanup()
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ECONNRESET' || code === 'EPIPE') {
        reject(new ConnectionLostError(`The connection to the LocalSend device at ${target.host}:${target.port} was lost (${code})`, { cause: err }))
      } else if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
        reject(new UnreachableError(`The LocalSend device at ${target.host}:${target.port} could not be reached (${code})`, { cause: err }))
      } else {
        reject(err)
      }
    })
  })
  response.catch(() => {})
  return { req, response, fingerprint: () => presented }
}

/** Reads a response body of at most `maxBytes` (more is an error), as text. */
export async function readText (res: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of res as AsyncIterable<Buffer>) {
    length += chunk.byteLength
    if (length > maxBytes) {
      res.destroy()
      throw new Error(`The LocalSend device answered with more than ${maxBytes} bytes`)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, length).toString('utf8')
}

/**
 * An agent for one request whose connection is handed over only after the handshake, once the certificate's
 * fingerprint is known (and matches the known one, if any). Node's agents take an asynchronous createConnection.
 */
function pinnedAgent (target: LocalSendTarget, identity: LocalSendIdentity, onPresented: (fingerprint: string | undefined) => void): HttpsAgent {
  const agent = new HttpsAgent({ keepAlive: false, maxSockets: 1 })
  const createConnection = (_opts: unknown, done: (err: Error | null, socket?: Duplex) => void): undefined => {
    const socket: TLSSocket = tlsConnect({
      host: target.host,
      port: target.port,
      cert: identity.certPem,
      key: identity.keyPem,
      // LocalSend certificates are self-signed; the device is known by its fingerprint, checked below.
      rejectUnauthorized: false
    })
    const onError = (err: Error): void => { done(err) }
    socket.once('error', onError)
    socket.once('secureConnect', () => {
      socket.off('error', onError)
      const raw = socket.getPeerCertificate().raw
      const presented = raw === undefined ? undefined : fingerprintOf(raw)
      onPresented(presented)
      if (target.fingerprint !== undefined && presented !== target.fingerprint.toUpperCase()) {
        socket.destroy()
        done(new LocalSendCertificateError(`The device at ${target.host}:${target.port} presented certificate ${presented ?? '(none)'}, not the known ${target.fingerprint}`))
        return
      }
      done(null, socket)
    })
    return undefined
  }
  Object.assign(agent, { createConnection })
  return agent
}
