// Small files sent together on a data stream (docs/protocol.md): files of at most blockingFileBytes are read with
// blocking calls and hashed inline into one reused buffer, then go out as one write of about chunkBytes (each file's
// data header and bytes), followed by a file-done for each.

import { blake3Hex } from '../hash/blake3.ts'
import { encodeFrame } from '../protocol/frames.ts'
import type { FerryStream } from '../transport/types.ts'
import type { FileSendContext } from './send-file.ts'
import { readSourceBlocking, type SourceFile } from './source-files.ts'

/** Room for a data item's frame header ({"id":…,"offset":…,"length":…} and its length prefix) in a gathered write. */
const MAX_HEADER_BYTES = 256

/**
 * Files of at most blockingFileBytes, read and checked with blocking calls and hashed inline, go out together: their
 * headers and bytes in one write of about chunkBytes, then a file-done for each. 10,000 of them would otherwise cost
 * a file read and two transport writes each, every one a switch to another thread, for a few KiB.
 */
export class GatheredFiles {
  readonly #stream: FerryStream
  readonly #init: FileSendContext
  /** Headers and bytes of the files gathered so far, reused after each write: no buffer per file. */
  readonly #buffer: Buffer
  #bytes = 0
  #files: Array<{ file: SourceFile, sent: number, blake3: string }> = []
  // file-done frames are queued, not awaited one by one (the control channel sends queued frames together);
  // announced() waits for them all.
  readonly #doneSent: Array<Promise<void>> = []

  constructor (stream: FerryStream, init: FileSendContext) {
    this.#stream = stream
    this.#init = init
    const { chunkBytes, blockingFileBytes } = init.components.limits
    this.#buffer = Buffer.allocUnsafe(chunkBytes + blockingFileBytes + MAX_HEADER_BYTES)
  }

  async add (file: SourceFile, offset: number): Promise<void> {
    const { limits } = this.#init.components
    this.#init.meter.fileStarted(file.id, offset)
    const header = encodeFrame({ id: file.id, offset, length: file.size - offset }, limits.maxFrameBytes)
    if (this.#bytes + header.byteLength + file.size > this.#buffer.byteLength) await this.flush()
    const at = this.#bytes + header.byteLength
    readSourceBlocking(file, this.#buffer, at)
    const blake3 = blake3Hex(this.#buffer.subarray(at, at + file.size))
    // The receiver has the first `offset` bytes already; the hash covers the whole file all the same.
    if (offset > 0) this.#buffer.copyWithin(at, at + offset, at + file.size)
    this.#buffer.set(header, this.#bytes)
    this.#bytes = at + file.size - offset
    this.#files.push({ file, sent: file.size - offset, blake3 })
    if (this.#bytes >= limits.chunkBytes) await this.flush()
  }

  async flush (): Promise<void> {
    if (this.#bytes === 0) return
    const files = this.#files
    const bytes = this.#bytes
    this.#files = []
    this.#bytes = 0
    // The transport holds the bytes until the write resolves; only then is the buffer filled again.
    await this.#stream.write(this.#buffer.subarray(0, bytes))
    for (const { file, sent, blake3 } of files) {
      this.#init.meter.add(sent, file.id)
      const done = this.#init.control.send({ type: 'file-done', id: file.id, blake3 })
      done.catch(() => {}) // seen by announced()
      this.#doneSent.push(done)
    }
  }

  /** Resolves once every file-done is with the transport. */
  async announced (): Promise<void> {
    await Promise.all(this.#doneSent)
  }
}
