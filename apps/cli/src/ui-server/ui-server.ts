// `ferry ui`'s HTTP server: serves the built UI (packages/ui/dist) to a browser on this computer, with a strict
// CSP, and carries the FerryApi WebSocket bridge at /api. It listens on 127.0.0.1 only and answers only to the
// Host names 127.0.0.1:PORT and localhost:PORT, so another site (or a DNS-rebound name) cannot drive it.

import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, resolve, sep } from 'node:path'
import { attachWsBridge, createApiToken } from '@ferry/app-service'
import { UI_DIST, uiIsBuilt } from './build-ui.ts'
import type { FerryApi } from '@ferry/ui/api'

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
  /** The page's URL, token included: whoever has it controls this Ferry. */
  url: string
  port: number
  close: () => Promise<void>
}

export interface UiServerInit {
  api: FerryApi
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number
  distDir?: string
}


export async function startUiServer (init: UiServerInit): Promise<UiServer> {
  const distDir = resolve(init.distDir ?? UI_DIST)
  if (!await uiIsBuilt(distDir)) throw new Error(`The UI is not built (${distDir} has no index.html): run \`pnpm --filter @ferry/ui build\``)
  let port = 0
  const serveFile = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = req.headers.host
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Wrong host')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const file = resolve(distDir, '.' + (pathname === '/' ? '/index.html' : pathname))
    const body = file.startsWith(distDir + sep) ? await readFile(file).catch(() => undefined) : undefined
    const headers = {
      'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin', 'Cache-Control': 'no-store'
    }
    if (body === undefined) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found')
      return
    }
    res.writeHead(200, { ...headers, 'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length })
    res.end(req.method === 'HEAD' ? undefined : body)
  }
  const server = createServer((req, res) => {
    serveFile(req, res).catch(() => { if (!res.headersSent) res.writeHead(500).end() })
  })
  const token = createApiToken()
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(init.port ?? 0, '127.0.0.1', () => { server.off('error', reject); resolveListen() })
  })
  port = (server.address() as AddressInfo).port
  const bridge = attachWsBridge({ server, api: init.api, token })
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    close: async () => {
      bridge.close()
      server.closeAllConnections()
      await new Promise<void>((done) => { server.close(() => { done() }) })
    }
  }
}
