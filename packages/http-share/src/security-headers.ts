// Headers every response carries. The page runs only scripts from this server ('self'; 'wasm-unsafe-eval' lets
// hash-wasm compile its BLAKE3 WebAssembly, which is not script), talks only to this server, cannot be framed, and
// never leaks the share token in a Referer. Downloads additionally get a sandbox CSP, so a shared HTML file opened
// by accident runs nothing.

import type { NextFunction, Request, Response } from 'express'

export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'"
].join('; ')

export const DOWNLOAD_CSP = "sandbox; default-src 'none'"

export function securityHeaders (_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', PAGE_CSP)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()')
  // The URL carries the token: nothing under it belongs in a shared cache. Static assets override this.
  res.setHeader('Cache-Control', 'no-store')
  next()
}
