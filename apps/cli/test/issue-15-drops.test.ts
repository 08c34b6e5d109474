// Issue 15: files dropped onto `ferry ui`'s page. The page cannot learn where a dropped file lives, so it streams
// each one to the UI server, which keeps a copy and hands back its path. That door is part of the crown jewel: it
// must hold against another site's page and a local program without the session, take only names p2p-core allows,
// only the bytes declared and within its limits, stream to disk, and never give a byte back.

import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { bigStateApi } from '../../../packages/app-service/test/helpers/big-state-api.ts'
import type { DropLimits } from '../src/ui-server/drops.ts'
import { startUiServer, type UiServer } from '../src/ui-server/ui-server.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c() })

interface Served { server: UiServer, drops: string, cookie: string, origin: string }

async function serve (limits: Partial<DropLimits> = {}): Promise<Served> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-ui-drops-'))
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Ferry</title>')
  const drops = join(dir, 'config', 'ui-drops')
  const server = await startUiServer({ api: bigStateApi(10), distDir: dir, dropsDir: drops, dropLimits: limits })
  cleanups.push(async () => { await server.close(); await rm(dir, { recursive: true, force: true }) })
  const launch = new URL(server.launchUrl())
  const answer = await call(server.port, 'GET', launch.pathname + launch.search, {})
  return { server, drops, cookie: String(answer.headers['set-cookie']).split(';')[0] ?? '', origin: `http://127.0.0.1:${server.port}` }
}

interface Answer { status: number, headers: Record<string, string | string[] | undefined>, body: string }

async function call (port: number, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<Answer> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = ''
      res.on('data', (d: Buffer) => { text += d.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }) })
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** As the page sends it: its own Origin and the session cookie. */
const asPage = (s: Served, extra: Record<string, string> = {}): Record<string, string> => ({ origin: s.origin, cookie: s.cookie, ...extra })
const codeOf = (answer: Answer): string => (JSON.parse(answer.body) as { error: { code: string } }).error.code

async function begin (s: Served, files: Array<{ path: string, size: number }>): Promise<Answer> {
  const body = JSON.stringify({ files })
  return await call(s.server.port, 'POST', '/drops', asPage(s, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }), body)
}

async function put (s: Served, batch: string, index: number, bytes: Buffer, length = bytes.byteLength): Promise<Answer> {
  return await call(s.server.port, 'PUT', `/drops/${batch}/${index}`, asPage(s, { 'content-length': String(length) }), bytes)
}

describe('files dropped onto ferry ui\'s page (issue 15)', () => {
  it('keeps a copy of each dropped file, folders too, and answers with the copies\' paths for a send or a share', async () => {
    const s = await serve()
    const started = await begin(s, [{ path: 'Trip/a.jpg', size: 3 }, { path: 'Trip/sub/b.txt', size: 0 }, { path: 'notes.txt', size: 5 }])
    expect(started.status).toBe(201)
    const { batch, paths } = JSON.parse(started.body) as { batch: string, paths: string[] }
    expect(paths).toEqual([join(s.drops, batch, 'Trip'), join(s.drops, batch, 'notes.txt')])
    expect((await put(s, batch, 0, Buffer.from('abc'))).status).toBe(204)
    expect((await put(s, batch, 1, Buffer.alloc(0))).status).toBe(204)
    expect((await put(s, batch, 2, Buffer.from('hello'))).status).toBe(204)
    expect(await readFile(join(s.drops, batch, 'Trip', 'a.jpg'), 'utf8')).toBe('abc')
    expect(await readFile(join(s.drops, batch, 'notes.txt'), 'utf8')).toBe('hello')
    expect((await stat(s.drops)).mode & 0o777).toBe(0o700)
    expect((await stat(join(s.drops, batch, 'notes.txt'))).mode & 0o777).toBe(0o600)
    // Written once, never read back.
    expect((await put(s, batch, 2, Buffer.from('again'))).status).toBe(400)
    expect((await call(s.server.port, 'GET', `/drops/${batch}/2`, asPage(s))).status).toBe(405)
    await s.server.close()
    await expect(stat(s.drops)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('refuses another site\'s page, a program without the session, and a foreign Host, before reading anything', async () => {
    const s = await serve()
    const body = JSON.stringify({ files: [{ path: 'a.txt', size: 1 }] })
    const headers = { 'content-type': 'application/json', 'content-length': String(body.length) }
    const evil = await call(s.server.port, 'POST', '/drops', { ...headers, origin: 'http://evil.example', cookie: s.cookie }, body)
    expect([evil.status, codeOf(evil)]).toEqual([403, 'FERRY_ERR_API_UNAUTHORIZED'])
    const noOrigin = await call(s.server.port, 'POST', '/drops', { ...headers, cookie: s.cookie }, body)
    expect(noOrigin.status).toBe(403)
    const noSession = await call(s.server.port, 'POST', '/drops', { ...headers, origin: s.origin }, body)
    expect([noSession.status, codeOf(noSession)]).toEqual([401, 'FERRY_ERR_API_UNAUTHORIZED'])
    const wrongCookie = await call(s.server.port, 'POST', '/drops', { ...headers, origin: s.origin, cookie: `${s.cookie.split('=')[0] ?? ''}=forged` }, body)
    expect(wrongCookie.status).toBe(401)
    const rebound = await call(s.server.port, 'POST', '/drops', { ...headers, host: 'evil.example', origin: 'http://evil.example', cookie: s.cookie }, body)
    expect(rebound.status).toBe(421)
    s.server.rotate()
    const signedOut = await begin(s, [{ path: 'a.txt', size: 1 }])
    expect(signedOut.status).toBe(401)
    expect(await readdir(s.drops)).toEqual([])
  })

  it('takes only names p2p-core allows, and no two that clash', async () => {
    const s = await serve()
    for (const path of ['../escape.txt', '/etc/passwd', 'C:/x.txt', 'a/../../b', 'a\u0000b', '']) {
      const answer = await begin(s, [{ path, size: 1 }])
      expect([path, answer.status, codeOf(answer)]).toEqual([path, 400, 'FERRY_ERR_INVALID_PATH'])
    }
    const clash = await begin(s, [{ path: 'a.txt', size: 1 }, { path: 'a.txt/b', size: 1 }])
    expect(codeOf(clash)).toBe('FERRY_ERR_INVALID_PATH')
    expect((await begin(s, [{ path: 'a.txt', size: -1 }])).status).toBe(400)
    expect((await begin(s, [])).status).toBe(400)
    expect(await readdir(s.drops)).toEqual([])
  })

  it('holds to its limits: files a drop, bytes kept, the size of the list, drops at once, exact lengths', async () => {
    const s = await serve({ maxDropFiles: 2, maxStagedBytes: 10, maxManifestBytes: 200, maxOpenDrops: 1 })
    const tooMany = await begin(s, [{ path: 'a', size: 1 }, { path: 'b', size: 1 }, { path: 'c', size: 1 }])
    expect([tooMany.status, codeOf(tooMany)]).toEqual([413, 'FERRY_ERR_API_DROP_TOO_LARGE'])
    expect((await begin(s, [{ path: 'a', size: 11 }])).status).toBe(413)
    expect((await begin(s, [{ path: 'x'.repeat(300), size: 1 }])).status).toBe(413)
    const first = JSON.parse((await begin(s, [{ path: 'a', size: 6 }])).body) as { batch: string }
    expect((await begin(s, [{ path: 'b', size: 1 }])).status).toBe(503)
    // A body of another length than declared is refused and nothing is kept of it.
    expect((await put(s, first.batch, 0, Buffer.from('abc'))).status).toBe(400)
    expect(await readdir(join(s.drops, first.batch))).toEqual([])
    expect((await put(s, first.batch, 0, Buffer.from('abcdef'))).status).toBe(204)
    // 6 of 10 bytes are kept now: a drop of 5 more does not fit.
    expect((await begin(s, [{ path: 'b', size: 5 }])).status).toBe(413)
    expect((await begin(s, [{ path: 'b', size: 4 }])).status).toBe(201)
  })

  it('deletes a drop left unfinished for dropIdleMs, and one the page gave up', async () => {
    const s = await serve({ dropIdleMs: 200 })
    const idle = JSON.parse((await begin(s, [{ path: 'a', size: 1 }])).body) as { batch: string }
    await expect.poll(async () => await readdir(s.drops), { timeout: 5_000 }).toEqual([])
    expect((await put(s, idle.batch, 0, Buffer.from('a'))).status).toBe(404)
    const given = JSON.parse((await begin(s, [{ path: 'a', size: 1 }])).body) as { batch: string }
    expect((await call(s.server.port, 'DELETE', `/drops/${given.batch}`, asPage(s))).status).toBe(204)
    expect(await readdir(s.drops)).toEqual([])
  })

  it('streams a large drop to disk without holding it in memory', async () => {
    const s = await serve()
    const size = 96 * 1024 * 1024
    const { batch } = JSON.parse((await begin(s, [{ path: 'big.bin', size }])).body) as { batch: string }
    global.gc?.()
    const before = process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed
    let peak = before
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed) }, 5)
    const chunk = Buffer.alloc(1024 * 1024, 7)
    const answer = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.server.port, method: 'PUT', path: `/drops/${batch}/0`, headers: asPage(s, { 'content-length': String(size) }) }, (res) => { res.resume(); resolve(res.statusCode ?? 0) })
      req.on('error', reject)
      let sent = 0
      const more = (): void => {
        while (sent < size) {
          sent += chunk.byteLength
          if (!req.write(chunk)) { req.once('drain', more); return }
        }
        req.end()
      }
      more()
    })
    clearInterval(sampler)
    expect(answer).toBe(204)
    expect((await stat(join(s.drops, batch, 'big.bin'))).size).toBe(size)
    // The client and the server share this process; 96 MiB went through, far less than that was ever held.
    expect(peak - before, `peak growth ${peak - before} bytes`).toBeLessThan(48 * 1024 * 1024)
  })
})
