// The TCP baseline's sending side: connects to the receiver's host, writes every file of the tree as a frame, and waits
// for the receiver's one-byte ack, so its time ends when the bytes are on the receiver's disk.
import { once } from 'node:events'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { printLine, startChildStats } from './child-stats.ts'
import { encodeHeader } from './tcp-frame.ts'
import { listTree, type TreeEntry } from './tree.ts'

/** Files up to this size are read whole; larger ones are streamed in READ_CHUNK_BYTES pieces. */
const SMALL_FILE_BYTES = 1024 * 1024
const READ_CHUNK_BYTES = 1024 * 1024
/** Small files read ahead of the socket, so reading and sending overlap. */
const READ_AHEAD = 32

async function writeOrWait(socket: Socket, data: Buffer): Promise<void> {
  if (!socket.write(data)) await once(socket, 'drain')
}

async function sendFiles(socket: Socket, files: readonly TreeEntry[]): Promise<void> {
  const reads = new Map<number, Promise<Buffer>>()
  const readAhead = (i: number): void => {
    const f = files[i]
    if (!f || f.size > SMALL_FILE_BYTES || reads.has(i)) return
    const read = readFile(f.abs)
    read.catch(() => {}) // rejections surface when awaited below, not as unhandled ones meanwhile
    reads.set(i, read)
  }
  for (let i = 0; i < files.length; i++) {
    for (let j = i; j < i + READ_AHEAD; j++) readAhead(j)
    const f = files[i]
    const read = reads.get(i)
    if (read) {
      reads.delete(i)
      const data = await read
      if (data.length !== f.size) throw new Error(`${f.abs} changed size while sending`)
      await writeOrWait(socket, Buffer.concat([encodeHeader(f.rel, f.size), data]))
    } else {
      await writeOrWait(socket, encodeHeader(f.rel, f.size))
      let sent = 0
      for await (const chunk of createReadStream(f.abs, { highWaterMark: READ_CHUNK_BYTES, end: f.size - 1 })) {
        sent += (chunk as Buffer).length
        await writeOrWait(socket, chunk as Buffer)
      }
      if (sent !== f.size) throw new Error(`${f.abs} changed size while sending`)
    }
  }
}

export async function send(root: string, host: string, port: number): Promise<void> {
  const readStats = startChildStats()
  const files = await listTree(root)
  const socket = connect({ host, port })
  await once(socket, 'connect')
  const started = performance.now()
  await sendFiles(socket, files)
  socket.end()
  const ack: Buffer[] = []
  for await (const chunk of socket as AsyncIterable<Buffer>) ack.push(chunk)
  if (Buffer.concat(ack).toString('hex') !== '01') throw new Error('receiver did not acknowledge the transfer')
  const bytes = files.reduce((sum, f) => sum + f.size, 0)
  printLine({ type: 'done', files: files.length, bytes, seconds: (performance.now() - started) / 1000 })
  printLine({ type: 'stats', ...readStats() })
}
