// The express application of the share server: security headers on everything, the Host check (DNS rebinding),
// then the page and its assets, the PIN form, and the share's routes behind its token and PIN. Nothing is served
// from a folder: files are reached only through their id in a share, so there is no listing to stumble into.

import express, { type NextFunction, type Request, type Response } from 'express'
import { FerryError } from '@ferry/p2p-core'
import { BadRequestError, HostRefusedError, ShareInternalError, ShareNotFoundError, statusOf } from './errors.ts'
import { downloadRoute } from './routes/download.ts'
import { hashRoute } from './routes/hashes.ts'
import { manifestRoute } from './routes/manifest.ts'
import { assetRoutes, pageRoute, type loadPageAssets } from './routes/page.ts'
import { pinRoutes } from './routes/pin.ts'
import type { RouteDeps } from './routes/route-deps.ts'
import { zipRoute } from './routes/zip.ts'
import { securityHeaders } from './security-headers.ts'
import { requirePin, resolveShare } from './share-auth.ts'

export interface HttpAppDeps extends RouteDeps {
  hostAllowed: (host: string | undefined) => boolean
  assets: ReturnType<typeof loadPageAssets>
}

export function createHttpApp (deps: HttpAppDeps): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.set('trust proxy', false)
  // `/files/0/` is not `/files/0`, and `/FILES/0` is not either: no route answers for a path it was not written for.
  app.set('strict routing', true)
  app.set('case sensitive routing', true)

  // Headers first: a refused Host's 421 is an answer like any other.
  app.use(securityHeaders)
  app.use((req: Request, _res: Response, next: NextFunction) => {
    if (!deps.hostAllowed(req.headers.host)) throw new HostRefusedError()
    next()
  })
  // Express answers OPTIONS itself with the methods a path has (200 "GET, HEAD"); no route here lists OPTIONS.
  app.options(/.*/, () => { throw new ShareNotFoundError('Nothing here') })
  app.use(assetRoutes(deps.assets))
  app.get('/s/:token/', pageRoute(deps.registry, deps.assets))
  // A link typed without its last slash still opens the page (whose relative links need the slash).
  app.get('/s/:token', (req: Request, res: Response) => { res.redirect(302, `/s/${encodeURIComponent(String(req.params.token))}/`) })

  const share = express.Router({ mergeParams: true, strict: true, caseSensitive: true })
  share.use(resolveShare(deps.registry))
  share.use(pinRoutes(deps))
  share.use(requirePin(deps.registry))
  share.get('/files', manifestRoute)
  share.get('/files/:id', downloadRoute(deps))
  share.get('/files/:id/blake3', hashRoute(deps))
  share.get('/all.zip', zipRoute(deps))
  app.use('/s/:token', share)

  app.use(() => { throw new ShareNotFoundError('Nothing here') })
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      res.destroy()
      return
    }
    let error: FerryError
    if (err instanceof FerryError) error = err
    else if (isClientHttpError(err)) error = new BadRequestError(err.expose === true ? err.message : undefined)
    else {
      deps.logger.error('share request failed: %s %s: %s', req.method, req.path, err instanceof Error ? err.stack : String(err))
      // Never the internal message: it could name paths on this computer.
      error = new ShareInternalError()
    }
    const status = err instanceof FerryError ? statusOf(err) : error instanceof BadRequestError ? (err as { status: number }).status : 500
    // A route may have set a download's headers before it failed; the error is JSON, never an attachment.
    res.removeHeader('Content-Disposition')
    res.setHeader('Content-Type', 'application/json; charset=utf-8')
    res.status(status).json({ error: error.toJSON() })
  })
  return app
}

/** Errors from express's body parsers carry a 4xx status (malformed JSON, body too large). */
function isClientHttpError (err: unknown): err is { status: number, message: string, expose?: boolean } {
  const status = (err as { status?: unknown } | null)?.status
  return typeof status === 'number' && status >= 400 && status < 500
}
