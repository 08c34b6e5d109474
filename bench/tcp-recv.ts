// The TCP baseline's receiving side: accepts one connection on its host, writes each framed file to disk,
// then acknowledges with one byte so the sender's time covers the bytes reaching the disk, as Ferry's does.
import { once } from 'node:events'
import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { finished } from 'node:stream/promises'
import { printLine, startChildStats } from './child-stats.ts'
import { checkRelPath, parseHeader } from './tcp-frame.ts'

/** Files up to this size are gathered in memory and written with one writeFile; larger ones are streamed. */
const SMALL_FILE_BYTES = 1024 * 1024
/** Small-file writes in flight at once, so 10,000 files do not wait on one another's open/write/close. */
const MAX_PENDING_WRITES = 32

/** Writes one file at a time from the socket; small files are written behind, at most MAX_PENDING_WRITES at once. */
class FileSink {
  private readonly root: string
  private readonly dirs = new Set<string>()
  private readonly pending = new Set<Promise<void>>()
  private path = ''
  private parts: Buffer[] | undefined
  private stream: WriteStream | undefined

  constructor(root: string) {
    this.root = root
  }

  async open(rel: string, size: number): Promise<void> {
    checkRelPath(rel)
    this.path = join(this.root, rel)
    const dir = dirname(this.path)
    if (!this.dirs.has(dir)) {
      await mkdir(dir, { recursive: true })
      this.dirs.add(dir)
    }
    if (size <= SMALL_FILE_BYTES) this.parts = []
    else this.stream = createWriteStream(this.path)
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.parts) this.parts.push(chunk)
    else if (this.stream && !this.stream.write(chunk)) await once(this.stream, 'drain')
  }

  async close(): Promise<void> {
    if (this.parts) {
      const data = Buffer.concat(this.parts)
      this.parts = undefined
      if (this.pending.size >= MAX_PENDING_WRITES) await Promise.race(this.pending)
      const write: Promise<void> = writeFile(this.path, data).finally(() => this.pending.delete(write))
      this.pending.add(write)
    } else if (this.stream) {
      const stream = this.stream
      this.stream = undefined
      stream.end()
      await finished(stream)
    }
  }

  async flush(): Promise<void> {
    await Promise.all(this.pending)
  }
}

async function consume(socket: Socket, sink: FileSink): Promise<{ files: number; bytes: number }> {
  let files = 0
  let bytes = 0
  let leftover: Buffer | undefined
  let remaining = -1 // bytes still due for the current file; -1 between files
  // destroyOnReturn: false keeps the socket open for writing the ack after the sender's FIN.
  for await (const data of socket.iterator({ destroyOnReturn: false })) {
    const chunk = data as Buffer
    const buf = leftover ? Buffer.concat([leftover, chunk]) : chunk
    leftover = undefined
    let offset = 0
    while (offset < buf.length) {
      if (remaining < 0) {
        const header = parseHeader(buf, offset)
        if (!header) {
          leftover = Buffer.from(buf.subarray(offset))
          break
        }
        offset += header.length
        await sink.open(header.rel, header.size)
        remaining = header.size
      }
      const take = Math.min(remaining, buf.length - offset)
      if (take > 0) await sink.write(buf.subarray(offset, offset + take))
      offset += take
      remaining -= take
      bytes += take
      if (remaining === 0) {
        await sink.close()
        files++
        remaining = -1
      }
    }
  }
  // A zero-size file at the very end is opened and closed inside the loop; anything else left is a cut stream.
  if (remaining >= 0 || leftover) throw new Error('connection ended in the middle of a file')
  await sink.flush()
  return { files, bytes }
}

export async function receive(dir: string, host: string): Promise<void> {
  const readStats = startChildStats()
  // allowHalfOpen: the sender's FIN ends its data, and the ack still has to go back.
  const server = createServer({ allowHalfOpen: true })
  server.listen(0, host)
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  printLine({ type: 'listening', host, port })
  const [socket] = (await once(server, 'connection')) as [Socket]
  server.close()
  const started = performance.now()
  const { files, bytes } = await consume(socket, new FileSink(dir))
  socket.end(Buffer.from([1]))
  await finished(socket)
  printLine({ type: 'received', files, bytes, seconds: (performance.now() - started) / 1000 })
  printLine({ type: 'stats', ...readStats() })
}
