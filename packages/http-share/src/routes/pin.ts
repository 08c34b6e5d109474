// POST /s/:token/pin: trade the share's 6-digit PIN for a cookie scoped to the share's path. Wrong answers are
// counted per IP address by express-rate-limit (right ones are not): after `maxPinAttempts` wrong PINs in
// `pinWindowMs`, every attempt from that address gets 429 until the window passes, even with the right PIN.
// A wrong PIN's answer says how many tries are left (`triesLeft`), a refused one how long to wait
// (`retryAfterSeconds`, also the Retry-After header), so the page can say so and hold its button until then.

import express, { type Request, type Response, type Router } from 'express'
import { rateLimit, type RateLimitInfo } from 'express-rate-limit'
import { sendJson } from '../compression.ts'
import { TooManyPinAttemptsError, WrongPinError } from '../errors.ts'
import { shareOf } from '../share-auth.ts'
import { PIN_COOKIE } from '../share-registry.ts'
import type { RouteDeps } from './route-deps.ts'

/** Largest PIN request body, in bytes: `{"pin":"123456"}` with room to spare. */
const PIN_BODY_LIMIT = '1kb'

/** What express-rate-limit put on the request (its default property name). */
const limitOf = (req: Request): RateLimitInfo | undefined => (req as Request & { rateLimit?: RateLimitInfo }).rateLimit

export function pinRoutes (deps: RouteDeps): Router {
  const router = express.Router({ mergeParams: true, strict: true, caseSensitive: true })
  const limiter = rateLimit({
    windowMs: deps.limits.pinWindowMs,
    limit: deps.limits.maxPinAttempts,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req: Request, res: Response) => {
      const reset = limitOf(req)?.resetTime?.getTime()
      const seconds = Math.max(1, Math.ceil(((reset ?? Date.now() + deps.limits.pinWindowMs) - Date.now()) / 1000))
      res.setHeader('Retry-After', seconds)
      const error = new TooManyPinAttemptsError(`Too many wrong PINs from this address; try again in ${Math.ceil(seconds / 60)} minute${seconds > 60 ? 's' : ''}`)
      res.status(error.status).json({ error: error.toJSON(), retryAfterSeconds: seconds })
    }
  })
  router.post('/pin',
    limiter,
    express.json({ limit: PIN_BODY_LIMIT }),
    express.urlencoded({ extended: false, limit: PIN_BODY_LIMIT }),
    async (req: Request, res: Response) => {
      const share = shareOf(res)
      const pin = (req.body as { pin?: unknown } | undefined)?.pin
      if (!deps.registry.checkPin(share, pin)) {
        // This attempt is counted already; what is left are the wrong ones still allowed in this window.
        const triesLeft = Math.max(0, limitOf(req)?.remaining ?? 0)
        const error = new WrongPinError(triesLeft === 0 ? 'Wrong PIN. That was the last try for now' : `Wrong PIN. ${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left`)
        res.status(error.status).json({ error: error.toJSON(), triesLeft })
        return
      }
      const maxAge = Math.max(1, Math.floor((share.expiresAt - Date.now()) / 1000))
      // HttpOnly: page scripts never see it. SameSite=Strict: another site cannot ride on it. The Path keeps it
      // to this share; no Secure flag because share links are plain http on the LAN.
      res.setHeader('Set-Cookie', `${PIN_COOKIE}=${deps.registry.pinCookieValue(share)}; Path=/s/${share.token}/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict`)
      await sendJson(req, res, 200, { ok: true })
    })
  return router
}
