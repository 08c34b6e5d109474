// Resolving `/s/:token/...` to its share: an unknown or malformed token is 404, an expired share 410, and every
// route below the page and the PIN form also needs the PIN cookie when the share has a PIN (401 otherwise).

import type { NextFunction, Request, Response } from 'express'
import { PinRequiredError } from './errors.ts'
import type { Share, ShareRegistry } from './share-registry.ts'

interface ShareLocals {
  share?: Share
}

/** Middleware: finds the share of `req.params.token` (throws the typed error otherwise). */
export function resolveShare (registry: ShareRegistry) {
  return (req: Request, res: Response, next: NextFunction): void => {
    (res.locals as ShareLocals).share = registry.resolve(String(req.params.token ?? ''))
    next()
  }
}

/** Middleware: lets the request through only with the share's PIN cookie (or when the share has no PIN). */
export function requirePin (registry: ShareRegistry) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!registry.pinCookieOk(shareOf(res), req.headers.cookie)) throw new PinRequiredError()
    next()
  }
}

/** The share resolved for this request by resolveShare. */
export function shareOf (res: Response): Share {
  const share = (res.locals as ShareLocals).share
  if (share === undefined) throw new Error('resolveShare must run before this route')
  return share
}
