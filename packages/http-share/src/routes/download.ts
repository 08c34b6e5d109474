// GET/HEAD /s/:token/files/:id: one shared file as a normal download. A strong ETag and Last-Modified let the
// browser resume with Range + If-Range; Content-Disposition makes it save to disk (streamed, never held in memory);
// the file is read in `readChunkBytes` pieces and only as fast as the connection takes them (stream pipeline).

import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Request, Response } from 'express'
import { lookup } from 'mime-types'
import { FileNotInShareError, RangeNotSatisfiableError } from '../errors.ts'
import { ifRangeHolds, noneMatch, parseRange } from '../range.ts'
import { DOWNLOAD_CSP } from '../security-headers.ts'
import { shareOf } from '../share-auth.ts'
import type { Share } from '../share-registry.ts'
import type { ShareFile } from '../shared-files.ts'
import type { RouteDeps } from './route-deps.ts'

const ID = /^(0|[1-9][0-9]{0,8})$/

/** The file `req.params.id` names in the share: ids only, so no request can name a path. */
export function fileOf (share: Share, rawId: unknown): ShareFile {
  const file = typeof rawId === 'string' && ID.test(rawId) ? share.files[Number(rawId)] : undefined
  if (file === undefined) throw new FileNotInShareError()
  return file
}

export function downloadRoute (deps: RouteDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const share = shareOf(res)
    const file = fileOf(share, req.params.id)
    const info = await stat(file.absPath).catch(() => null)
    if (info === null || !info.isFile()) throw new FileNotInShareError(`${file.path} is no longer on the sharing computer`)
    const size = info.size
    // Strong: size, mtime and inode together change whenever the bytes could have.
    const etag = `"${size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}-${info.ino.toString(36)}"`
    if (noneMatch(req.headers['if-none-match'], etag)) {
      res.setHeader('ETag', etag)
      res.status(304).end()
      return
    }
    const range = ifRangeHolds(req.get('if-range'), etag, info.mtimeMs)
      ? parseRange(req.headers.range, size)
      : { kind: 'full' as const }
    if (range.kind === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${size}`)
      throw new RangeNotSatisfiableError(`The file has ${size} bytes`)
    }
    res.setHeader('ETag', etag)
    res.setHeader('Last-Modified', new Date(info.mtimeMs).toUTCString())
    res.setHeader('Accept-Ranges', 'bytes')
    res.setHeader('Content-Security-Policy', DOWNLOAD_CSP)
    res.attachment(basename(file.path))
    res.setHeader('Content-Type', lookup(file.path) || 'application/octet-stream')
    const start = range.kind === 'partial' ? range.start : 0
    const end = range.kind === 'partial' ? range.end : size - 1
    const length = end - start + 1
    if (range.kind === 'partial') {
      res.status(206)
      res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`)
    } else {
      res.status(200)
    }
    res.setHeader('Content-Length', length)
    if (req.method === 'HEAD' || length === 0) {
      res.end()
      return
    }
    deps.activity.trackResponse(share.id, res)
    // A file that shrinks while it is read must fail the response, not leave the browser waiting for the rest.
    res.strictContentLength = true
    const source = createReadStream(file.absPath, { start, end, highWaterMark: deps.limits.readChunkBytes })
    const report = (complete: boolean): void => {
      deps.onDownload({
        shareId: share.id,
        fileId: file.id,
        path: file.path,
        bytes: complete ? length : Math.min(length, source.bytesRead),
        complete,
        range: range.kind === 'partial' ? { start, end } : null,
        remoteAddress: req.socket.remoteAddress ?? ''
      })
    }
    try {
      await pipeline(source, res)
      report(true)
    } catch (err) {
      // A browser that stops a download (or pauses it, to resume later with Range) is not a server error.
      report(false)
      deps.logger.debug('download of %s ended early: %s', file.path, (err as Error).message)
    }
  }
}
