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

/**
 * The headers of every answer, refusals included (a 421 for a foreign Host, a refused upload socket's plain HTTP
 * answer): one list, so no way out of the server can forget one.
 */
export const SECURITY_HEADERS: ReadonlyArray<readonly [name: string, value: string]> = [
  ['Content-Security-Policy', PAGE_CSP],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
  ['X-Frame-Options', 'DENY'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Permissions-Policy', 'camera=(), microphone=(), geolocation=()'],
  // The URL carries the token: nothing under it belongs in a shared cache. Static assets override this.
  ['Cache-Control', 'no-store']
]

export function securityHeaders (_req: Request, res: Response, next: NextFunction): void {
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value)
  next()
}
