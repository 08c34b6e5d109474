// Issue 15: `ferry ui`'s page signs in with a one-time launch link exchanged for an HttpOnly, SameSite=Strict
// session cookie; no long-lived secret is in a URL, on a command line or printed. The link works once and not for
// long; rotating ends every session. (The API socket checks Host and Origin too: app-service ws-bridge.test.ts.)

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadWs } from '@ferry/app-service'
import { bigStateApi } from '../../../packages/app-service/test/helpers/big-state-api.ts'
import { LAUNCH_CODE_TTL_MS, MAX_SESSIONS, SESSION_IDLE_MS } from '../src/ui-server/sessions.ts'
import { startUiServer, type UiServer } from '../src/ui-server/ui-server.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c() })

async function serve (options: { launchCodeTtlMs?: number } = {}): Promise<UiServer> {
  const dist = await mkdtemp(join(tmpdir(), 'ferry-ui-dist-'))
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>Ferry</title>')
  const server = await startUiServer({ api: bigStateApi(1000), distDir: dist, ...(options.launchCodeTtlMs === undefined ? {} : { sessions: { launchCodeTtlMs: options.launchCodeTtlMs } }) })
  cleanups.push(async () => { await server.close(); await rm(dist, { recursive: true, force: true }) })
  return server
}

/** GET `path` on 127.0.0.1:port with an optional Cookie header; the status, headers and body. */
async function get (port: number, path: string, cookie?: string): Promise<{ status: number, headers: Record<string, string | string[] | undefined>, body: string }> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: cookie === undefined ? {} : { cookie } }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => { body += d.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body }) })
    })
    req.on('error', reject)
    req.end()
  })
}

/** Opens the API socket as the page would (Origin of the page), with `cookie`; the close code, or 'open'. */
async function socket (port: number, cookie?: string, path = '/api'): Promise<{ result: number | 'open', ws: { close: () => void, onclose: ((e: { code: number }) => void) | null } }> {
  const { WebSocket } = loadWs()
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { origin: `http://127.0.0.1:${port}`, ...(cookie === undefined ? {} : { headers: { cookie } }) })
  cleanups.push(async () => { ws.close() })
  const result = await new Promise<number | 'open'>((resolve) => {
    ws.onerror = () => {}
    // A refused page is closed at once with 4401; a signed-in one stays open.
    ws.onopen = () => { setTimeout(() => { resolve('open') }, 200) }
    ws.onclose = (event) => { resolve(event.code) }
  })
  return { result, ws }
}

/** The cookie a launch link set, as a Cookie header. */
async function signIn (server: UiServer): Promise<string> {
  const answer = await get(server.port, new URL(server.launchUrl()).pathname + new URL(server.launchUrl()).search)
  const setCookie = answer.headers['set-cookie']?.[0] ?? ''
  return setCookie.split(';')[0] ?? ''
}

describe('signing in to ferry ui (issue 15)', () => {
  it('exchanges a launch link once for an HttpOnly, SameSite=Strict session cookie, and sends the browser to a clean address', async () => {
    const server = await serve()
    const link = new URL(server.launchUrl())
    expect(link.origin).toBe(`http://127.0.0.1:${server.port}`)
    expect(link.searchParams.get('launch')).toMatch(/^[\w-]{22}$/)
    const first = await get(server.port, link.pathname + link.search)
    expect(first.status).toBe(303)
    expect(first.headers.location).toBe('/')
    const setCookie = first.headers['set-cookie']?.[0] ?? ''
    expect(setCookie).toMatch(new RegExp(`^ferry_session_${server.port}=[\\w-]{22}; Path=/; HttpOnly; SameSite=Strict$`))
    const cookie = setCookie.split(';')[0] as string

    const again = await get(server.port, link.pathname + link.search)
    expect(again.status).toBe(303)
    expect(again.headers['set-cookie']).toBeUndefined()

    expect(JSON.parse((await get(server.port, '/session', cookie)).body)).toEqual({ host: 'ferry-ui', signedIn: true })
    expect(JSON.parse((await get(server.port, '/session')).body)).toEqual({ host: 'ferry-ui', signedIn: false })
    expect((await socket(server.port, cookie)).result).toBe('open')
  })

  it('opens the API only to a signed-in browser: no cookie, a wrong one, or a token in the URL get 4401', async () => {
    const server = await serve()
    const cookie = await signIn(server)
    const code = new URL(server.launchUrl()).searchParams.get('launch') ?? ''
    expect((await socket(server.port)).result).toBe(4401)
    expect((await socket(server.port, `${cookie}x`)).result).toBe(4401)
    expect((await socket(server.port, `ferry_session_1=${cookie.split('=')[1] ?? ''}`)).result).toBe(4401)
    expect((await socket(server.port, undefined, `/api?token=${code}`)).result).toBe(4401)
    expect((await socket(server.port, undefined, `/api?launch=${code}`)).result).toBe(4401)
  })

  it('refuses a launch link after its lifetime', async () => {
    const server = await serve({ launchCodeTtlMs: 50 })
    const link = new URL(server.launchUrl())
    await new Promise((resolve) => setTimeout(resolve, 120))
    const answer = await get(server.port, link.pathname + link.search)
    expect(answer.status).toBe(303)
    expect(answer.headers['set-cookie']).toBeUndefined()
  })

  it('rotating signs out every open page and voids every session and launch link', async () => {
    const server = await serve()
    const cookie = await signIn(server)
    const unused = new URL(server.launchUrl())
    const open = await socket(server.port, cookie)
    expect(open.result).toBe('open')
    const closed = new Promise<number>((resolve) => { open.ws.onclose = (e) => { resolve(e.code) } })
    server.rotate()
    expect(await closed).toBe(4401)
    expect((await socket(server.port, cookie)).result).toBe(4401)
    expect((await get(server.port, unused.pathname + unused.search)).headers['set-cookie']).toBeUndefined()
    expect((await socket(server.port, await signIn(server))).result).toBe('open')
  })

  it('documents its limits: a launch link lives 2 minutes, at most 32 sessions, each ending after 12 hours unused', () => {
    expect([LAUNCH_CODE_TTL_MS, MAX_SESSIONS, SESSION_IDLE_MS]).toEqual([120_000, 32, 12 * 3_600_000])
  })
})
