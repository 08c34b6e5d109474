// WebSocket frames written by hand on a plain TCP socket, for clients that no WebSocket library would be: frames
// without a mask, reserved opcodes, a blast that never reads what the server answers. `wireUpgrade` does the HTTP
// handshake; `frame` builds one frame; `readServerFrames` decodes what the server sends (text and close).

import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'

export interface WireSocket {
  socket: Socket
  /** Server frames decoded so far (only while reading, see `stopReading`). */
  texts: string[]
  /** The close code the server sent, once it did. */
  closeCode: () => number | undefined
  /** Resolves when the TCP connection has closed. */
  closed: Promise<void>
  /** Resolves with the next text frame parsed as JSON whose `type` is `type`, or rejects after `timeoutMs`. */
  next: (type: string, timeoutMs?: number) => Promise<Record<string, unknown>>
  /** Stops reading the socket: from here on, the server's frames pile up in the kernel's buffers, unread. */
  stopReading: () => void
}

/** One frame. `mask: false` sends it unmasked (a protocol error from a client); the default mask key is 0. */
export function frame (opcode: number, payload: Buffer, options: { fin?: boolean, rsv?: number, mask?: boolean } = {}): Buffer {
  const fin = options.fin ?? true
  const mask = options.mask ?? true
  const length = payload.byteLength
  const lengthBytes = length < 126 ? 0 : length < 65536 ? 2 : 8
  const head = Buffer.alloc(2 + lengthBytes + (mask ? 4 : 0))
  head[0] = (fin ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode
  head[1] = (mask ? 0x80 : 0) | (lengthBytes === 0 ? length : lengthBytes === 2 ? 126 : 127)
  if (lengthBytes === 2) head.writeUInt16BE(length, 2)
  if (lengthBytes === 8) head.writeBigUInt64BE(BigInt(length), 2)
  // A mask key of zero leaves the payload as it is, so one frame can be built once and sent many times.
  return Buffer.concat([head, payload])
}

export const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const

/** Opens `path` on 127.0.0.1:`port` as a WebSocket by hand; rejects unless the server answers 101. */
export async function wireUpgrade (port: number, path: string): Promise<WireSocket> {
  const socket = connect(port, '127.0.0.1')
  socket.on('error', () => {})
  const closed = new Promise<void>((resolve) => { socket.once('close', () => { resolve() }) })
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`)
  let buffer = Buffer.alloc(0)
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      buffer = Buffer.concat([buffer, d])
      const end = buffer.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.off('data', onData)
      const status = buffer.subarray(0, end).toString().split(' ')[1]
      buffer = buffer.subarray(end + 4)
      if (status === '101') resolve()
      else reject(new Error(`upgrade answered ${status ?? '?'}`))
    }
    socket.on('data', onData)
    socket.once('close', () => { reject(new Error('closed during the upgrade')) })
  })
  const texts: string[] = []
  let closeCode: number | undefined
  const waiters = new Set<() => void>()
  const wake = (): void => { for (const w of [...waiters]) w() }
  const parse = (): void => {
    for (;;) {
      if (buffer.length < 2) return
      const opcode = (buffer[0] as number) & 0x0f
      let length = (buffer[1] as number) & 0x7f
      let offset = 2
      if (length === 126) {
        if (buffer.length < 4) return
        length = buffer.readUInt16BE(2)
        offset = 4
      } else if (length === 127) {
        if (buffer.length < 10) return
        length = Number(buffer.readBigUInt64BE(2))
        offset = 10
      }
      if (buffer.length < offset + length) return
      const payload = buffer.subarray(offset, offset + length)
      buffer = buffer.subarray(offset + length)
      if (opcode === OP.text) texts.push(payload.toString('utf8'))
      if (opcode === OP.close && closeCode === undefined) {
        closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005
        // Answer it as any client would, so the server can close at once instead of waiting for its close timeout.
        if (socket.writable) socket.end(frame(OP.close, payload.subarray(0, 2)))
      }
    }
  }
  const onData = (d: Buffer): void => {
    buffer = Buffer.concat([buffer, d])
    parse()
    wake()
  }
  socket.on('data', onData)
  parse()
  void closed.then(wake)
  let seen = 0
  const next = async (type: string, timeoutMs = 5000): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      for (; seen < texts.length; seen++) {
        const message = JSON.parse(texts[seen] as string) as Record<string, unknown>
        if (message.type === type) {
          seen++
          return message
        }
      }
      if (socket.destroyed) throw new Error(`closed before a ${type}; got ${texts.join(' ')}`)
      if (Date.now() > deadline) throw new Error(`no ${type} within ${timeoutMs} ms; got ${texts.join(' ')}`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, 50)
        function done (): void { clearTimeout(t); waiters.delete(done); resolve() }
        waiters.add(done)
      })
    }
  }
  return {
    socket,
    texts,
    closeCode: () => closeCode,
    closed,
    next,
    stopReading: () => {
      socket.off('data', onData)
      socket.pause()
    }
  }
}

/** A JSON control message as a masked text frame. */
export function textFrame (message: unknown): Buffer {
  return frame(OP.text, Buffer.from(JSON.stringify(message)))
}

/**
 * Writes `frameBytes` again and again until `totalBytes` went out, the socket closed, or `maxMs` passed; it waits
 * for the socket to drain (so this client holds no big buffer), and never reads. Resolves with the bytes written.
 */
export async function blast (socket: Socket, frameBytes: Buffer, totalBytes: number, maxMs: number): Promise<number> {
  const deadline = Date.now() + maxMs
  let written = 0
  // Many frames per write: one syscall carries many small frames, as a hostile client would.
  const batch = Buffer.concat(Array.from({ length: Math.max(1, Math.floor(256 * 1024 / frameBytes.length)) }, () => frameBytes))
  while (written < totalBytes && !socket.destroyed && Date.now() < deadline) {
    const ok = socket.write(batch)
    written += batch.length
    if (!ok) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, Math.max(0, deadline - Date.now()))
        function finish (): void {
          clearTimeout(timer)
          socket.off('drain', finish)
          socket.off('close', finish)
          resolve()
        }
        socket.once('drain', finish)
        socket.once('close', finish)
      })
    }
  }
  return written
}
