// Worker thread for BLAKE3: keeps one incremental hasher per session, fed with chunks or with a byte range of a
// file it reads itself (the prefix of a resumed file). Every request is answered so the pool can bound its queue.

import { open } from 'node:fs/promises'
import { parentPort } from 'node:worker_threads'
import { Blake3Hasher } from '@napi-rs/blake-hash'
import type { WorkerReply, WorkerRequest } from './hash-messages.ts'

const sessions = new Map<number, Blake3Hasher>()
const READ_BYTES = 1024 * 1024

function session (id: number): Blake3Hasher {
  let hasher = sessions.get(id)
  if (hasher === undefined) {
    hasher = new Blake3Hasher()
    sessions.set(id, hasher)
  }
  return hasher
}

async function hashFileRange (hasher: Blake3Hasher, path: string, start: number, end: number): Promise<void> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.allocUnsafe(READ_BYTES)
    let position = start
    while (position < end) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(READ_BYTES, end - position), position)
      if (bytesRead === 0) throw new Error(`${path} ended at ${position}, before ${end}`)
      hasher.update(buffer.subarray(0, bytesRead))
      position += bytesRead
    }
  } finally {
    await handle.close()
  }
}

async function handle (request: WorkerRequest): Promise<WorkerReply> {
  switch (request.op) {
    case 'update':
      session(request.session).update(Buffer.from(request.data.buffer, request.data.byteOffset, request.data.byteLength))
      return { seq: request.seq }
    case 'update-file':
      await hashFileRange(session(request.session), request.path, request.start, request.end)
      return { seq: request.seq }
    case 'digest': {
      const hex = session(request.session).digest('hex')
      sessions.delete(request.session)
      return { seq: request.seq, hex }
    }
    case 'drop':
      sessions.delete(request.session)
      return { seq: request.seq }
  }
}

// Requests run strictly in order: an update must never overtake the file range queued before it.
let queue: Promise<void> = Promise.resolve()
parentPort?.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => await handle(request)).then(
    (reply) => parentPort?.postMessage(reply),
    (err: unknown) => { parentPort?.postMessage({ seq: request.seq, error: err instanceof Error ? err.message : String(err) }) }
  )
})
