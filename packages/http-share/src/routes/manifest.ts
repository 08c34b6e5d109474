// GET /s/:token/files: what the page lists. Ids, relative paths and sizes only; never a path on this computer.

import type { Request, Response } from 'express'
import { sendJson } from '../compression.ts'
import { shareOf } from '../share-auth.ts'
import { zipName } from './zip.ts'

export interface ManifestFile {
  id: number
  path: string
  size: number
  mtimeMs: number
}

export interface Manifest {
  name: string
  files: ManifestFile[]
  totalBytes: number
  allowUpload: boolean
  expiresAt: number
  zipName: string
  /** Who shares, when the app said: its device name. */
  from?: string
}

export async function manifestRoute (req: Request, res: Response): Promise<void> {
  const share = shareOf(res)
  const manifest: Manifest = {
    name: share.name,
    files: share.files.map((f) => ({ id: f.id, path: f.path, size: f.size, mtimeMs: f.mtimeMs })),
    totalBytes: share.totalBytes,
    allowUpload: share.allowUpload,
    expiresAt: share.expiresAt,
    zipName: zipName(share.name),
    ...(share.from === undefined ? {} : { from: share.from })
  }
  await sendJson(req, res, 200, manifest)
}
