// GET /s/:token/all.zip: every file of the share as one zip, streamed as it is made. archiver opens each file only
// when its turn comes and the pipeline moves bytes only as fast as the connection takes them, so neither memory nor
// disk ever holds the zip. Text-like files are deflated (level 1: cheap, most of the gain); the rest is stored.

import { pipeline } from 'node:stream/promises'
import type { Request, Response } from 'express'
import { ZipArchive, type ZipEntryData } from 'archiver'
import { isCompressible } from '../compression.ts'
import { DOWNLOAD_CSP } from '../security-headers.ts'
import { shareOf } from '../share-auth.ts'
import type { RouteDeps } from './route-deps.ts'

export function zipName (shareName: string): string {
  return `${shareName.replace(/\.zip$/i, '') || 'ferry-share'}.zip`
}

export function zipRoute (deps: RouteDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const share = shareOf(res)
    const name = zipName(share.name)
    res.status(200)
    res.attachment(name)
    res.setHeader('Content-Type', 'application/zip')
    res.setHeader('Content-Security-Policy', DOWNLOAD_CSP)
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    deps.activity.trackResponse(share.id, res)
    const archive = new ZipArchive({ zlib: { level: 1 }, highWaterMark: deps.limits.readChunkBytes, statConcurrency: 2 })
    for (const file of share.files) {
      const entry: ZipEntryData = { name: file.path, date: new Date(file.mtimeMs), store: !isCompressible(file.path) }
      archive.file(file.absPath, entry)
    }
    archive.on('warning', (err) => { deps.logger.warn('zip of share %s skips a file: %s', share.id, err.message) })
    const report = (complete: boolean): void => {
      deps.onDownload({ shareId: share.id, fileId: null, path: name, bytes: archive.pointer(), complete, range: null, remoteAddress: req.socket.remoteAddress ?? '' })
    }
    void archive.finalize().catch(() => {})
    try {
      await pipeline(archive, res)
      report(true)
    } catch (err) {
      archive.abort()
      report(false)
      deps.logger.debug('zip of share %s ended early: %s', share.id, (err as Error).message)
    }
  }
}
