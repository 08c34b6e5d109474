// GET /s/:token/files/:id/blake3: a shared file's BLAKE3, computed on request (off the event loop, queued and
// cached by file-hashes.ts), so the page can show it and check a downloaded copy against it.

import type { Request, Response } from 'express'
import { sendJson } from '../compression.ts'
import { shareOf } from '../share-auth.ts'
import { fileOf } from './download.ts'
import type { RouteDeps } from './route-deps.ts'

export function hashRoute (deps: RouteDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const file = fileOf(shareOf(res), req.params.id)
    const { blake3, size } = await deps.hashes.get(file)
    await sendJson(req, res, 200, { id: file.id, path: file.path, size, blake3 })
  }
}
