// GET /s/:token/all.zip: every file of the share as one zip, streamed as it is made. Before the first byte every
// listed file is checked to still be there as listed (a clear 404 or 410 otherwise); then the entries are added one
// at a time, each opened as listed (listed-file.ts: never through a link, so the zip never holds a link entry) only
// when its turn comes, and bytes move only as fast as the connection takes them, so neither memory nor disk ever
// holds the zip. A file that shrinks, changes or disappears while the zip is made cuts the connection: the
// download fails visibly instead of ending as a valid zip with a wrong entry. Text-like files are deflated (level 1:
// cheap, most of the gain); the rest is stored.

import { Readable } from 'node:stream'
import type { Request, Response } from 'express'
import { ZipArchive } from 'archiver'
import { isCompressible } from '../compression.ts'
import { checkListed, openListed, readChecked } from '../listed-file.ts'
import { DOWNLOAD_CSP } from '../security-headers.ts'
import { sendBody } from '../send-body.ts'
import { shareOf } from '../share-auth.ts'
import type { ShareFile } from '../shared-files.ts'
import type { RouteDeps } from './route-deps.ts'

export function zipName (shareName: string): string {
  return `${shareName.replace(/\.zip$/i, '') || 'ferry-share'}.zip`
}

export function zipRoute (deps: RouteDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const remoteAddress = req.socket.remoteAddress ?? ''
    const share = shareOf(res)
    const name = zipName(share.name)
    // Every file still as listed, or a clear error for the first that is not, before any byte of the zip.
    const checked = new Set<string>()
    for (const file of share.files) await checkListed(file, checked)
    res.status(200)
    res.attachment(name)
    res.setHeader('Content-Type', 'application/zip')
    res.setHeader('Content-Security-Policy', DOWNLOAD_CSP)
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    deps.activity.trackResponse(share.id, res)
    const { readChunkBytes } = deps.limits
    const archive = new ZipArchive({ zlib: { level: 1 }, highWaterMark: readChunkBytes })
    const cut = new AbortController()
    // Whatever archiver reports after the response is over must not reach the process.
    archive.on('error', (err: Error) => { cut.abort(err) })
    archive.on('warning', (err: Error) => { cut.abort(err) })

    /** One entry's bytes; a failure cuts the whole zip (the response is destroyed) instead of ending the entry. */
    async function * entryBytes (file: ShareFile): AsyncGenerator<Buffer> {
      let opened
      try {
        opened = await openListed(file)
        yield * readChecked(opened, 0, opened.state.size, readChunkBytes, cut.signal)
      } catch (err) {
        cut.abort(err)
      } finally {
        await opened?.close()
      }
    }
    let current: Readable | undefined
    const next = (index: number): void => {
      if (cut.signal.aborted) return
      const file = share.files[index]
      if (file === undefined) {
        void archive.finalize().catch((err: unknown) => { cut.abort(err) })
        return
      }
      const source = Readable.from(entryBytes(file), { objectMode: false, highWaterMark: readChunkBytes })
      source.on('error', (err) => { cut.abort(err) })
      current = source
      archive.append(source, { name: file.path, date: new Date(file.mtimeMs), store: !isCompressible(file.path) })
    }
    // archiver says when an entry is written; only then is the next file opened.
    let appended = 0
    archive.on('entry', () => { next(++appended) })

    const sent = { bytes: 0 }
    const report = (complete: boolean): void => {
      deps.onDownload({ shareId: share.id, fileId: null, path: name, bytes: sent.bytes, complete, range: null, remoteAddress })
    }
    next(0)
    try {
      await sendBody(res, untilCut(archive, cut.signal), sent)
      report(true)
    } catch (err) {
      // No entry is added after this, and archiver stops.
      if (!cut.signal.aborted) cut.abort(err)
      archive.abort()
      report(false)
      deps.logger.debug('zip of share %s ended early: %s', share.id, (err as Error).message)
    } finally {
      // The entry being read (if the zip stopped inside it) closes its file.
      current?.destroy()
    }
  }
}

/** The archive's pieces, failing as soon as `signal` aborts (a source failed) rather than when the next piece comes. */
async function * untilCut (archive: ZipArchive, signal: AbortSignal): AsyncGenerator<Buffer> {
  const pieces = archive[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  const cut = new Promise<never>((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason)
    signal.addEventListener('abort', () => { reject(signal.reason) }, { once: true })
  })
  cut.catch(() => {})
  try {
    for (;;) {
      const piece = await Promise.race([pieces.next(), cut])
      if (piece.done === true) return
      yield piece.value
    }
  } finally {
    await pieces.return?.()
  }
}
