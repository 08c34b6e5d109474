// The test peer's sending side: a LocalSend v2 client written from the protocol's README (section 4), sharing no
// code with Ferry's. Plain requests over node:http(s), with the peer's own certificate as the client certificate
// over HTTPS, and any local address of the loopback range to send from (for the "other address" test).

import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { createHash, randomUUID } from 'node:crypto'
import { peerCertificate } from './certificate.ts'

export interface PeerTarget {
  host: string
  port: number
  protocol: 'http' | 'https'
}

export interface PeerResponse {
  status: number
  body: string
  json: () => Record<string, unknown>
}

export interface CallOptions {
  /** Sent as-is; a function writes the body itself (e.g. in pieces, or chunked). */
  body?: string | Buffer | ((req: import('node:http').ClientRequest) => void)
  contentLength?: number
  localAddress?: string
  /** Present no client certificate. */
  anonymous?: boolean
  signal?: AbortSignal
}

export async function call (target: PeerTarget, method: string, path: string, options: CallOptions = {}): Promise<PeerResponse> {
  const headers: Record<string, string | number> = {}
  if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) headers['content-length'] = Buffer.byteLength(options.body)
  if (options.contentLength !== undefined) headers['content-length'] = options.contentLength
  const cert = peerCertificate()
  const common = { host: target.host, port: target.port, method, path, headers, agent: false as const, ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }), ...(options.signal === undefined ? {} : { signal: options.signal }) }
  const req = target.protocol === 'https'
    ? httpsRequest({ ...common, rejectUnauthorized: false, ...(options.anonymous === true ? {} : { cert: cert.cert, key: cert.key }) })
    : httpRequest(common)
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve)
    req.once('error', reject)
  })
  if (typeof options.body === 'function') options.body(req)
  else req.end(options.body)
  const res = await response
  const chunks: Buffer[] = []
  for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk)
  const body = Buffer.concat(chunks).toString('utf8')
  return { status: res.statusCode ?? 0, body, json: () => JSON.parse(body) as Record<string, unknown> }
}

export interface PeerFile {
  fileName: string
  data: Buffer
  fileType?: string
  /** The sha256 to declare; the data's own by default, null to send none. */
  sha256?: string | null
  preview?: string
}

export function peerInfo (protocol: 'http' | 'https', port = 53317): Record<string, unknown> {
  return {
    alias: 'Test Peer',
    version: '2.1',
    deviceModel: 'Conformance',
    deviceType: 'headless',
    fingerprint: protocol === 'https' ? peerCertificate().fingerprint : 'test-peer-random-string',
    port,
    protocol,
    download: false
  }
}

export function prepareBody (protocol: 'http' | 'https', files: readonly PeerFile[]): { body: string, ids: string[] } {
  const ids = files.map(() => randomUUID())
  const entries = files.map((f, i) => [ids[i], {
    id: ids[i],
    fileName: f.fileName,
    size: f.data.byteLength,
    fileType: f.fileType ?? 'application/octet-stream',
    sha256: f.sha256 === undefined ? createHash('sha256').update(f.data).digest('hex') : f.sha256,
    preview: f.preview ?? null
  }])
  return { body: JSON.stringify({ info: peerInfo(protocol), files: Object.fromEntries(entries) }), ids }
}

export async function prepareUpload (target: PeerTarget, files: readonly PeerFile[], options: { pin?: string, localAddress?: string, anonymous?: boolean } = {}): Promise<PeerResponse & { ids: string[] }> {
  const { body, ids } = prepareBody(target.protocol, files)
  const query = options.pin === undefined ? '' : `?pin=${encodeURIComponent(options.pin)}`
  const res = await call(target, 'POST', `/api/localsend/v2/prepare-upload${query}`, { body, ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }), ...(options.anonymous === undefined ? {} : { anonymous: options.anonymous }) })
  return { ...res, ids }
}

export function uploadPath (sessionId: string, fileId: string, token: string): string {
  return `/api/localsend/v2/upload?${new URLSearchParams({ sessionId, fileId, token }).toString()}`
}

/** Uploads with a Content-Length, or chunked (`chunked: true`: no length, the body in several writes). */
export async function upload (target: PeerTarget, sessionId: string, fileId: string, token: string, data: Buffer, options: { chunked?: boolean, localAddress?: string } = {}): Promise<PeerResponse> {
  const path = uploadPath(sessionId, fileId, token)
  if (options.chunked !== true) return await call(target, 'POST', path, { body: data, ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }) })
  return await call(target, 'POST', path, {
    body: (req) => {
      req.setHeader('transfer-encoding', 'chunked')
      const step = Math.max(1, Math.ceil(data.byteLength / 5))
      for (let at = 0; at < data.byteLength; at += step) req.write(data.subarray(at, at + step))
      req.end()
    }
  })
}

export async function cancel (target: PeerTarget, sessionId?: string): Promise<PeerResponse> {
  return await call(target, 'POST', `/api/localsend/v2/cancel${sessionId === undefined ? '' : `?sessionId=${encodeURIComponent(sessionId)}`}`)
}
