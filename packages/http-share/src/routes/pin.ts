// POST /s/:token/pin: trade the share's 6-digit PIN for a cookie scoped to the share's path. Wrong answers are
// counted per IP address by express-rate-limit (right ones are not): after `maxPinAttempts` wrong PINs in
// `pinWindowMs`, every attempt from that address gets 429 until the window passes, even with the right PIN.

import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import { rateLimit } from 'express-rate-limit'
import { sendJson } from '../compression.ts'
import { TooManyPinAttemptsError, WrongPinError } from '../errors.ts'
import { shareOf } from '../share-auth.ts'
import { PIN_COOKIE } from '../share-registry.ts'
import type { RouteDeps } from './route-deps.ts'

/** Largest PIN request body, in bytes: `{"pin":"123456"}` with room to spare. */
const PIN_BODY_LIMIT = '1kb'

export function pinRoutes (deps: RouteDeps): Router {
  const router = express.Router({ mergeParams: true, strict: true, caseSensitive: true })
  const limiter = rateLimit({
    windowMs: deps.limits.pinWindowMs,
    limit: deps.limits.maxPinAttempts,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req: Request, res: Response, next: NextFunction) => {
      res.setHeader('Retry-After', Math.ceil(deps.limits.pinWindowMs / 1000))
      next(new TooManyPinAttemptsError(`Too many wrong PINs from this address; try again within ${Math.ceil(deps.limits.pinWindowMs / 60_000)} minutes`))
    }
  })
  router.post('/pin',
    limiter,
    express.json({ limit: PIN_BODY_LIMIT }),
    express.urlencoded({ extended: false, limit: PIN_BODY_LIMIT }),
    async (req: Request, res: Response) => {
      const share = shareOf(res)
      const pin = (req.body as { pin?: unknown } | undefined)?.pin
      if (!deps.registry.checkPin(share, pin)) throw new WrongPinError()
      const maxAge = Math.max(1, Math.floor((share.expiresAt - Date.now()) / 1000))
      // HttpOnly: page scripts never see it. SameSite=Strict: another site cannot ride on it. The Path keeps it
      // to this share; no Secure flag because share links are plain http on the LAN.
      res.setHeader('Set-Cookie', `${PIN_COOKIE}=${deps.registry.pinCookieValue(share)}; Path=/s/${share.token}/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict`)
      await sendJson(req, res, 200, { ok: true })
    })
  return router
}
