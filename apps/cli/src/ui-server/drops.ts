// Files dropped onto `ferry ui`'s page from the desktop. A browser never tells a page where a dropped file lives, so
// the page streams each one to this server, which keeps a copy in a folder of its own under the config folder
// (mode 0700) and hands back the copies' paths; the page then sends or shares those paths like any other. Files
// chosen with the pickers need none of this: they are picked in the UI's own browser of this computer (listFolder)
// and never copied. Design and limits: docs/ui-files.md.
//
//   POST   /drops                 {"files":[{"path":"Trip/a.jpg","size":123},...]}   -> 201 {"batch","paths"}
//   PUT    /drops/BATCH/INDEX     the bytes of file INDEX, exactly its size            -> 204
//   DELETE /drops/BATCH           the page gave up (a cancelled drop)                  -> 204
//
// Callers are checked by the UI server first (Host, the page's own Origin, the session cookie). Here: names go
// through p2p-core's path rules (no "..", no absolute paths, no clashes), every size is declared up front and each
// body must be exactly that long, all copies together stay under maxStagedBytes and the disk's free space, files are
// created O_EXCL | O_NOFOLLOW inside a batch folder with a random name, bodies are streamed to disk (never held in
// memory), a batch left unfinished for dropIdleMs is deleted, and nothing is ever read back: there is no GET.
// Copies live as long as this `ferry ui` (a share or a retry may still need them) and are deleted when it stops or
// starts again.

import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { mkdir, open, rm } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Transform } from 'node:stream'
import { checkFreeSpace, defaultLimits, FerryError, NoSpaceError, OfferedPaths, sanitizeRelativePath } from '@ferry/p2p-core'
import { apiErrorCodes, type FerryErrorDto } from '@ferry/api'

export interface DropLimits {
  /** Files in one drop. */
  maxDropFiles: number
  /** Bytes of every dropped copy kept together (finished and unfinished drops). */
  maxStagedBytes: number
  /** Bytes of a drop's list of files (the POST body). */
  maxManifestBytes: number
  /** An unfinished drop with no bytes arriving for this long is deleted, in ms. */
  dropIdleMs: number
  /** Drops being written at once; another is refused with 503 until one is done. */
  maxOpenDrops: number
}

export const defaultDropLimits: DropLimits = {
  maxDropFiles: 10_000,
  maxStagedBytes: 4 * 1024 ** 3,
  maxManifestBytes: 2 * 1024 * 1024,
  dropIdleMs: 60_000,
  maxOpenDrops: 4
}

/** The URL prefix the UI server hands to this module. */
export const DROPS_PATH = '/drops'

interface Batch {
  id: string
  dir: string
  files: Array<{ parts: string[], size: number, state: 'waiting' | 'writing' | 'done' }>
  bytes: number
  timer?: NodeJS.Timeout
}

class DropError extends Error {
  readonly status: number
  readonly code: string
  constructor (status: number, code: string, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

const tooLarge = (message: string): DropError => new DropError(413, apiErrorCodes.dropTooLarge, message)
const invalid = (message: string): DropError => new DropError(400, apiErrorCodes.invalidArgument, message)

/** Reads a body of at most `max` bytes, or throws 413 as soon as it is longer. */
async function readSmallBody (req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (declared > max) throw tooLarge(`A drop's list of files has at most ${max} bytes`)
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of req) {
    length += (chunk as Buffer).byteLength
    if (length > max) throw tooLarge(`A drop's list of files has at most ${max} bytes`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

export class DropStaging {
  readonly limits: DropLimits
  readonly #root: string
  readonly #batches = new Map<string, Batch>()

  constructor (init: { root: string, limits?: Partial<DropLimits> }) {
    this.#root = init.root
    this.limits = { ...defaultDropLimits, ...init.limits }
  }

  /** Bytes of every copy kept (declared sizes of all drops). */
  get stagedBytes (): number {
    let total = 0
    for (const batch of this.#batches.values()) total += batch.bytes
    return total
  }

  /** Bytes of drops not written yet (declared sizes of their unfinished files): room the disk still owes them. */
  get promisedBytes (): number {
    let total = 0
    for (const batch of this.#batches.values()) {
      for (const file of batch.files) if (file.state !== 'done') total += file.size
    }
    return total
  }

  /** Empties the staging folder (copies of an earlier run) and makes it, private to this user. */
  async start (): Promise<void> {
    await rm(this.#root, { recursive: true, force: true })
    await mkdir(this.#root, { recursive: true, mode: 0o700 })
  }

  /** Deletes every copy. */
  async close (): Promise<void> {
    for (const batch of this.#batches.values()) clearTimeout(batch.timer)
    this.#batches.clear()
    await rm(this.#root, { recursive: true, force: true })
  }

  /** Answers a request under /drops from a signed-in page of this server. */
  async handle (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    try {
      const parts = pathname.slice(DROPS_PATH.length).split('/').filter((p) => p !== '')
      if (req.method === 'POST' && parts.length === 0) return await this.#create(req, res)
      const batch = parts[0] === undefined ? undefined : this.#batches.get(parts[0])
      if (batch === undefined) throw new DropError(404, apiErrorCodes.notFound, 'No such drop')
      if (req.method === 'PUT' && parts.length === 2) return await this.#write(batch, parts[1] ?? '', req, res)
      if (req.method === 'DELETE' && parts.length === 1) {
        await this.#drop(batch)
        res.writeHead(204).end()
        return
      }
      throw new DropError(405, apiErrorCodes.invalidArgument, 'Dropped copies are only written here, never read')
    } catch (err) {
      const error: FerryErrorDto = err instanceof DropError
        ? { name: 'DropError', code: err.code, message: err.message }
        : err instanceof FerryError
          ? { name: err.name, code: err.code, message: err.message }
          : { name: 'FerryError', code: apiErrorCodes.internal, message: 'Keeping the dropped file failed' }
      const status = err instanceof DropError ? err.status : err instanceof FerryError ? (err.code === 'FERRY_ERR_NO_SPACE' ? 507 : 400) : 500
      if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'application/json', Connection: 'close' }).end(JSON.stringify({ error }))
      // A body the server stopped reading is not drained: the connection closes with the answer.
      req.resume()
    }
  }

  async #create (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const open = [...this.#batches.values()].filter((b) => b.files.some((f) => f.state !== 'done')).length
    if (open >= this.limits.maxOpenDrops) throw new DropError(503, apiErrorCodes.dropTooLarge, `At most ${this.limits.maxOpenDrops} drops are copied at once; try again when one is done`)
    let manifest: unknown
    try {
      manifest = JSON.parse((await readSmallBody(req, this.limits.maxManifestBytes)).toString('utf8'))
    } catch (err) {
      if (err instanceof DropError) throw err
      throw invalid('A drop\'s list of files must be JSON')
    }
    const files = (manifest as { files?: unknown } | null)?.files
    if (!Array.isArray(files) || files.length === 0) throw invalid('A drop lists one file or more')
    if (files.length > this.limits.maxDropFiles) throw tooLarge(`A drop has at most ${this.limits.maxDropFiles} files`)
    const offered = new OfferedPaths()
    const planned: Batch['files'] = []
    let bytes = 0
    for (const file of files as unknown[]) {
      const { path, size } = (file ?? {}) as { path?: unknown, size?: unknown }
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalid('Each dropped file has a whole, non-negative size')
      const parts = sanitizeRelativePath(path, defaultLimits)
      offered.add(parts)
      planned.push({ parts, size, state: 'waiting' })
      bytes += size
    }
    if (this.stagedBytes + bytes > this.limits.maxStagedBytes) {
      throw tooLarge(`Ferry keeps at most ${this.limits.maxStagedBytes} bytes of dropped files while it runs`)
    }
    // The free space must hold this drop and every drop already let in but not yet written.
    await checkFreeSpace(this.#root, bytes + this.promisedBytes)
    const id = randomBytes(12).toString('base64url')
    const batch: Batch = { id, dir: join(this.#root, id), files: planned, bytes }
    await mkdir(batch.dir, { mode: 0o700 })
    this.#batches.set(id, batch)
    this.#touch(batch)
    const tops = [...new Set(planned.map((f) => f.parts[0] as string))]
    res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ batch: id, paths: tops.map((top) => join(batch.dir, top)) }))
  }

  async #write (batch: Batch, index: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const file = /^(0|[1-9]\d{0,8})$/.test(index) ? batch.files[Number(index)] : undefined
    if (file === undefined) throw new DropError(404, apiErrorCodes.notFound, 'No such file in this drop')
    if (file.state !== 'waiting') throw invalid('That file of the drop was written already')
    const declared = req.headers['content-length']
    if (declared === undefined || Number(declared) !== file.size) throw invalid(`The file must be sent whole, with Content-Length ${file.size}`)
    file.state = 'writing'
    const target = join(batch.dir, ...file.parts)
    await mkdir(join(batch.dir, ...file.parts.slice(0, -1)), { recursive: true, mode: 0o700 })
    // O_EXCL and O_NOFOLLOW: a name is created once, and never through a link (nothing but this module writes here).
    const handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
    let written = 0
    const count = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        written += chunk.byteLength
        this.#touch(batch)
        done(written > file.size ? invalid('The file is longer than declared') : null, chunk)
      }
    })
    try {
      await pipeline(req, count, handle.createWriteStream())
      if (written !== file.size) throw invalid(`The file ended after ${written} of ${file.size} bytes`)
    } catch (err) {
      file.state = 'waiting'
      await rm(target, { force: true })
      if (err instanceof DropError || err instanceof FerryError) throw err
      // A full disk is this computer's failure, not a page that sent too little.
      const code = (err as NodeJS.ErrnoException | null)?.code
      if (code === 'ENOSPC' || code === 'EDQUOT') throw new NoSpaceError('The disk is full: the dropped file could not be kept', { cause: err })
      throw invalid('The file was cut off while it was sent')
    }
    file.state = 'done'
    if (batch.files.every((f) => f.state === 'done')) clearTimeout(batch.timer)
    else this.#touch(batch)
    res.writeHead(204).end()
  }

  /** Restarts the idle clock of an unfinished drop. */
  #touch (batch: Batch): void {
    clearTimeout(batch.timer)
    batch.timer = setTimeout(() => { void this.#drop(batch) }, this.limits.dropIdleMs)
    batch.timer.unref()
  }

  async #drop (batch: Batch): Promise<void> {
    clearTimeout(batch.timer)
    this.#batches.delete(batch.id)
    await rm(batch.dir, { recursive: true, force: true })
  }
}
