// A Node client of the upload protocol (upload-protocol.ts): what the recipient page does, for tests, benchmarks
// and tools. It reads each file in frames of the server's `maxFrameBytes`, sends only within its credit, hashes what
// it sends with BLAKE3 and sends the hash at the end of each file.

import { open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { CancelledError, ConnectionLostError, SourceChangedError, createInlineHasher } from '@ferry/p2p-core'
import { WebSocket } from 'ws'
import { UploadDeclinedError, UploadProtocolError, shareErrorFromJson } from './errors.ts'
import type { ClientMessage, ServerMessage } from './upload-protocol.ts'

export interface UploadFilesOptions {
  /** Files on this computer; `name` is the path offered to the share (default: the file's base name). */
  files: ReadonlyArray<{ path: string, name?: string }>
  /** The name the sharing computer sees. */
  alias?: string
  /** A Cookie header, for a share with a PIN (the `ferry_pin=...` cookie its PIN form sets). */
  cookie?: string
  signal?: AbortSignal
}

export interface UploadFilesResult {
  files: Array<{ id: number, savedAs: string, blake3: string }>
  bytes: number
}

/** The upload socket's URL for a share link (`http://host:port/s/TOKEN/`). */
export function uploadUrl (shareUrl: string): string {
  const url = new URL(shareUrl)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  url.pathname = `${url.pathname.replace(/\/?$/, '/')}upload`
  url.search = ''
  url.hash = ''
  return url.toString()
}

/** Uploads files to a share; resolves once the sharing computer has verified every accepted file. */
export async function uploadFiles (shareUrl: string, options: UploadFilesOptions): Promise<UploadFilesResult> {
  const { signal } = options
  if (signal?.aborted === true) throw new CancelledError('The upload was cancelled')
  const files = await Promise.all(options.files.map(async (f) => {
    const info = await stat(f.path)
    return { path: f.path, name: f.name ?? basename(f.path), size: info.size, lastModified: Math.floor(info.mtimeMs) }
  }))
  const ws = new WebSocket(uploadUrl(shareUrl), { headers: options.cookie === undefined ? {} : { cookie: options.cookie } })
  const send = (message: ClientMessage): void => { ws.send(JSON.stringify(message)) }
  let credit = 0
  let wake: (() => void) | undefined
  const verified: UploadFilesResult['files'] = []
  let maxFrameBytes = 0

  return await new Promise<UploadFilesResult>((resolve, reject) => {
    let settled = false
    const finish = (err: Error | null, result?: UploadFilesResult): void => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      wake?.()
      if (err === null && result !== undefined) resolve(result)
      else reject(err)
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close()
    }
    const onAbort = (): void => {
      if (ws.readyState === WebSocket.OPEN) send({ type: 'cancel' })
      finish(new CancelledError('The upload was cancelled'))
    }
    signal?.addEventListener('abort', onAbort, { once: true })

    const sendFiles = async (ids: readonly number[]): Promise<void> => {
      for (const id of ids) {
        const file = files[id]
        if (file === undefined) throw new UploadProtocolError(`The server accepted unknown file ${id}`)
        send({ type: 'file', id })
        const hasher = createInlineHasher()
        const handle = await open(file.path, 'r')
        try {
          for (let position = 0; position < file.size;) {
            const chunk = Buffer.allocUnsafe(Math.min(maxFrameBytes, file.size - position))
            const { bytesRead } = await handle.read(chunk, 0, chunk.byteLength, position)
            if (bytesRead !== chunk.byteLength) throw new SourceChangedError(`${file.path} shrank while it was sent`)
            while (credit < chunk.byteLength && !settled) await new Promise<void>((resolve) => { wake = resolve })
            if (settled) return
            credit -= chunk.byteLength
            await hasher.update(chunk)
            ws.send(chunk)
            position += chunk.byteLength
          }
        } finally {
          await handle.close()
        }
        send({ type: 'file-end', id, blake3: await hasher.digest() })
      }
    }

    ws.on('message', (data, isBinary) => {
      if (isBinary) return
      const message = JSON.parse((data as Buffer).toString('utf8')) as ServerMessage
      switch (message.type) {
        case 'hello':
          maxFrameBytes = message.maxFrameBytes
          send({ type: 'offer', ...(options.alias === undefined ? {} : { alias: options.alias }), files: files.map((f) => ({ path: f.name, size: f.size, lastModified: f.lastModified })) })
          break
        case 'answer':
          if (!message.accepted) {
            finish(new UploadDeclinedError())
            break
          }
          credit = message.creditBytes
          sendFiles(message.files).catch((err: unknown) => { finish(err instanceof Error ? err : new Error(String(err))) })
          break
        case 'ack':
          credit += message.bytes
          wake?.()
          break
        case 'verified':
          verified.push({ id: message.id, savedAs: message.savedAs, blake3: message.blake3 })
          break
        case 'done':
          finish(null, { files: verified, bytes: message.bytes })
          break
        case 'error':
          finish(shareErrorFromJson(message))
          break
        case 'waiting':
          break
      }
    })
    ws.on('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', (d: Buffer) => { body += d.toString() })
      res.on('end', () => {
        try {
          finish(shareErrorFromJson((JSON.parse(body) as { error: { code: string, message: string } }).error))
        } catch {
          finish(new ConnectionLostError(`The server refused the upload with HTTP ${res.statusCode ?? 0}`))
        }
      })
    })
    ws.on('error', (err) => { finish(new ConnectionLostError(err.message, { cause: err })) })
    ws.on('close', (code, reason) => { finish(new ConnectionLostError(`The upload socket closed (${code} ${reason.toString()})`)) })
  })
}
