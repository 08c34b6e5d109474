// `ferry ui`'s HTTP server: serves the built UI (packages/ui/dist) to a browser on this computer, with a strict
// CSP, and carries the FerryApi WebSocket bridge at /api. It listens on 127.0.0.1 only and answers only to the
// Host names 127.0.0.1:PORT and localhost:PORT, so another site (or a DNS-rebound name) cannot drive it.
// Sign-in (sessions.ts): `/?launch=CODE` spends a one-time code, sets the session cookie and redirects to `/`;
// `/session` tells the page whether it is served by `ferry ui` and signed in; the bridge takes only signed-in pages,
// and so does /drops, where the page hands over copies of files dropped onto it (drops.ts).

import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, resolve, sep } from 'node:path'
import { attachWsBridge, type WsBridgeLimits } from '@ferry/app-service'
import { toListenError } from '@ferry/p2p-core'
import { UI_DIST, uiIsBuilt } from './build-ui.ts'
import { DROPS_PATH, DropStaging, type DropLimits } from './drops.ts'
import { UiSessions, type SessionsInit } from './sessions.ts'
import { apiErrorCodes, type FerryApi } from '@ferry/api'

/** The built page's own policy (packages/ui/vite.config.ts), plus what only a header can say. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"
].join('; ')

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2'
}

export interface UiServer {
  port: number
  /** A new one-time launch link (`http://127.0.0.1:PORT/?launch=CODE`): it signs in the browser that opens it first. */
  launchUrl: () => string
  /** Signs out every page (their sockets close with 4401) and voids every launch link. */
  rotate: () => void
  close: () => Promise<void>
}

export interface UiServerInit {
  api: FerryApi
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number
  distDir?: string
  /** The bridge's memory limits (app-service defaultWsBridgeLimits otherwise); for tests. */
  bridgeLimits?: Partial<WsBridgeLimits>
  /** Launch-code lifetime and clock; for tests. */
  sessions?: SessionsInit
  /**
   * Where copies of files dropped onto the page are kept while this server runs (emptied at start and stop); no
   * drops are taken without it.
   */
  dropsDir?: string
  /** defaultDropLimits otherwise; for tests. */
  dropLimits?: Partial<DropLimits>
}

/** What `/session` answers: this page is served by `ferry ui`, and whether its browser is signed in. */
export interface SessionStatus {
  host: 'ferry-ui'
  signedIn: boolean
}


export async function startUiServer (init: UiServerInit): Promise<UiServer> {
  const distDir = resolve(init.distDir ?? UI_DIST)
  if (!await uiIsBuilt(distDir)) throw new Error(`The UI is not built (${distDir} has no index.html): run \`pnpm --filter @ferry/ui build\``)
  let port = 0
  const sessions = new UiSessions(init.sessions)
  const drops = init.dropsDir === undefined ? undefined : new DropStaging({ root: init.dropsDir, ...(init.dropLimits === undefined ? {} : { limits: init.dropLimits }) })
  await drops?.start()
  const headers = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin', 'Cache-Control': 'no-store'
  }
  const serveFile = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = req.headers.host
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Wrong host')
      return
    }
    const dropPath = new URL(req.url ?? '/', 'http://x').pathname
    if (drops !== undefined && (dropPath === DROPS_PATH || dropPath.startsWith(`${DROPS_PATH}/`))) {
      // Only this page, signed in: another site's page has another Origin (browsers send it on every POST, PUT and
      // DELETE), and a local program without the session cookie is refused like a page that is not signed in.
      const refusal = req.headers.origin !== `http://${host}` ? 403 : sessions.sessionOf(req) === undefined ? 401 : undefined
      if (refusal !== undefined) {
        res.writeHead(refusal, { ...headers, 'Content-Type': 'application/json', Connection: 'close' })
          .end(JSON.stringify({ error: { name: 'UnauthorizedError', code: apiErrorCodes.unauthorized, message: refusal === 403 ? 'Only Ferry\'s own page may drop files here' : 'This page is not signed in' } }))
        req.resume()
        return
      }
      await drops.handle(req, res, dropPath)
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    const url = new URL(req.url ?? '/', 'http://x')
    const code = url.searchParams.get('launch')
    if (code !== null) {
      // Spent here whatever happens next; the address bar is left with `/` only.
      const session = sessions.redeem(code)
      res.writeHead(303, { ...headers, Location: '/', ...(session === undefined ? {} : { 'Set-Cookie': sessions.cookieFor(session) }) }).end()
      return
    }
    if (url.pathname === '/session') {
      const status: SessionStatus = { host: 'ferry-ui', signedIn: sessions.sessionOf(req) !== undefined }
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(status))
      return
    }
    const pathname = decodeURIComponent(url.pathname)
    const file = resolve(distDir, '.' + (pathname === '/' ? '/index.html' : pathname))
    const body = file.startsWith(distDir + sep) ? await readFile(file).catch(() => undefined) : undefined
    if (body === undefined) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found')
      return
    }
    res.writeHead(200, { ...headers, 'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length })
    res.end(req.method === 'HEAD' ? undefined : body)
  }
  // No limit on a whole request's time (Node's default is 5 minutes): a dropped file of some GB may take longer on a
  // slow disk. Headers must still come within headersTimeout, and a drop that stops sending is deleted (drops.ts).
  const server = createServer({ requestTimeout: 0 }, (req, res) => {
    serveFile(req, res).catch(() => { if (!res.headersSent) res.writeHead(500).end() })
  })
  await new Promise<void>((resolveListen, reject) => {
    const failed = (err: Error): void => { reject(toListenError(err, '127.0.0.1', init.port ?? 0)) }
    server.once('error', failed)
    server.listen(init.port ?? 0, '127.0.0.1', () => { server.off('error', failed); resolveListen() })
  })
  port = (server.address() as AddressInfo).port
  sessions.port = port
  const bridge = attachWsBridge({ server, api: init.api, authorize: (request) => sessions.sessionOf(request), ...(init.bridgeLimits === undefined ? {} : { limits: init.bridgeLimits }) })
  return {
    port,
    launchUrl: () => `http://127.0.0.1:${port}/?launch=${sessions.issueLaunchCode()}`,
    rotate: () => {
      sessions.rotate()
      bridge.signOut()
    },
    close: async () => {
      bridge.close()
      server.closeAllConnections()
      await new Promise<void>((done) => { server.close(() => { done() }) })
      await drops?.close()
    }
  }
}
