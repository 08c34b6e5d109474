// GET/HEAD /s/:token/files/:id: one shared file as a normal download. A strong ETag (size, modification and change
// time in ns, inode) and Last-Modified let the browser resume with Range + If-Range; Content-Disposition makes it
// save to disk (streamed, never held in memory). The file is opened as listed (listed-file.ts: no link, same inode),
// read in `readChunkBytes` pieces only as fast as the connection takes them, and a file that shrinks or changes
// while it is sent ends the response destroyed, never complete: the browser sees a failed download.

import { basename } from 'node:path'
import type { Request, Response } from 'express'
import { lookup } from 'mime-types'
import { FileNotInShareError, RangeNotSatisfiableError } from '../errors.ts'
import { etagOf, openListed, readChecked } from '../listed-file.ts'
import { ifRangeHolds, noneMatch, parseRange } from '../range.ts'
import { DOWNLOAD_CSP } from '../security-headers.ts'
import { sendBody } from '../send-body.ts'
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
    // Read now: once the client has gone, the socket no longer knows its address.
    const remoteAddress = req.socket.remoteAddress ?? ''
    const share = shareOf(res)
    const file = fileOf(share, req.params.id)
    const opened = await openListed(file)
    try {
      const { size } = opened.state
      const etag = etagOf(opened.state)
      if (noneMatch(req.headers['if-none-match'], etag)) {
        res.setHeader('ETag', etag)
        res.status(304).end()
        return
      }
      const range = ifRangeHolds(req.get('if-range'), etag)
        ? parseRange(req.headers.range, size)
        : { kind: 'full' as const }
      if (range.kind === 'unsatisfiable') {
        res.setHeader('Content-Range', `bytes */${size}`)
        throw new RangeNotSatisfiableError(`The file has ${size} bytes`)
      }
      res.setHeader('ETag', etag)
      res.setHeader('Last-Modified', new Date(opened.state.mtimeMs).toUTCString())
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
      if (req.method === 'HEAD') {
        res.end()
        return
      }
      const sent = { bytes: 0 }
      const report = (complete: boolean): void => {
        deps.onDownload({
          shareId: share.id,
          fileId: file.id,
          path: file.path,
          bytes: complete ? length : Math.min(length, sent.bytes),
          complete,
          range: range.kind === 'partial' ? { start, end } : null,
          remoteAddress
        })
      }
      if (length === 0) {
        // An empty file has nothing to read, but its download is a response like any other and is reported.
        res.end()
        report(true)
        return
      }
      deps.activity.trackResponse(share.id, res)
      try {
        await sendBody(res, readChecked(opened, start, end + 1, deps.limits.readChunkBytes), sent)
        report(true)
      } catch (err) {
        // A browser that stops a download (or pauses it, to resume later with Range) is not a server error; a file
        // that changed under the download is not one either: the response was destroyed, so the browser knows.
        report(false)
        deps.logger.debug('download of %s ended early: %s', file.path, (err as Error).message)
      }
    } finally {
      await opened.close()
    }
  }
}
