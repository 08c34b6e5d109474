// POST /s/:token/pin: trade the share's 6-digit PIN for a cookie scoped to the share's path. Wrong answers are
// counted per IP address by express-rate-limit (right ones are not): after `maxPinAttempts` wrong PINs in
// `pinWindowMs`, every attempt from that address gets 429 until the window passes, even with the right PIN. Wrong
// PINs for one share from all addresses together are capped too (`maxPinFailuresPerShare`, pin-failures.ts), with
// the same 429: a guesser with many addresses gets no more tries than that.
// A wrong PIN's answer says how many tries are left (`triesLeft`), a refused one how long to wait
// (`retryAfterSeconds`, also the Retry-After header), so the page can say so and hold its button until then.

import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import { rateLimit, type RateLimitInfo } from 'express-rate-limit'
import { sendJson } from '../compression.ts'
import { TooManyPinAttemptsError, WrongPinError } from '../errors.ts'
import { SharePinFailures } from '../pin-failures.ts'
import { shareOf } from '../share-auth.ts'
import { PIN_COOKIE } from '../share-registry.ts'
import type { RouteDeps } from './route-deps.ts'

/** Largest PIN request body, in bytes: `{"pin":"123456"}` with room to spare. */
const PIN_BODY_LIMIT = '1kb'

/** What express-rate-limit put on the request (its default property name). */
const limitOf = (req: Request): RateLimitInfo | undefined => (req as Request & { rateLimit?: RateLimitInfo }).rateLimit

/** 429 with Retry-After and `retryAfterSeconds`: the answer of both limits, so the page treats them alike. */
function refuse (res: Response, seconds: number, whose: string): void {
  res.setHeader('Retry-After', seconds)
  const error = new TooManyPinAttemptsError(`Too many wrong PINs ${whose}; try again in ${Math.ceil(seconds / 60)} minute${seconds > 60 ? 's' : ''}`)
  res.status(error.status).json({ error: error.toJSON(), retryAfterSeconds: seconds })
}

export function pinRoutes (deps: RouteDeps): Router {
  const router = express.Router({ mergeParams: true, strict: true, caseSensitive: true })
  const failures = new SharePinFailures(deps.limits)
  // First, so an attempt refused here never counts against the address's own limit.
  const shareLimit = (req: Request, res: Response, next: NextFunction): void => {
    const taken = failures.take(shareOf(res))
    if (!taken.ok) {
      refuse(res, Math.max(1, Math.ceil(taken.retryAfterMs / 1000)), 'for this share')
      return
    }
    // A right PIN is no failure, nor is an attempt the address's limit refused before it was tested.
    res.on('finish', () => { if (res.statusCode < 400 || res.statusCode === 429) taken.giveBack() })
    next()
  }
  const limiter = rateLimit({
    windowMs: deps.limits.pinWindowMs,
    limit: deps.limits.maxPinAttempts,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req: Request, res: Response) => {
      const reset = limitOf(req)?.resetTime?.getTime()
      refuse(res, Math.max(1, Math.ceil(((reset ?? Date.now() + deps.limits.pinWindowMs) - Date.now()) / 1000)), 'from this address')
    }
  })
  router.post('/pin',
    shareLimit,
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
