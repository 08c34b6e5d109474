// Attacks on share links written from docs/http-share.md alone (the red team's round on `rt-share`): each test is
// one promise of that page that a real server broke before its fix.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createShareServer, type DownloadEvent, type ShareInfo, type ShareServer } from '../src/index.ts'

interface Answer { status: number, headers: Record<string, string | string[] | undefined>, body: string }

/** One plain HTTP request with exactly these headers (fetch would not send a foreign Host). */
async function ask (url: string, init: { method?: string, headers?: Record<string, string>, body?: string } = {}): Promise<Answer> {
  return await new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body }) })
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

/** What docs/http-share.md, Security, says every answer carries. */
function expectSecurityHeaders (answer: Answer): void {
  expect(answer.headers['x-content-type-options']).toBe('nosniff')
  expect(answer.headers['referrer-policy']).toBe('no-referrer')
  expect(answer.headers['x-frame-options']).toBe('DENY')
  expect(answer.headers['content-security-policy']).toContain("default-src 'none'")
  expect(answer.headers['cache-control']).toBe('no-store')
}

describe('share links under a red team reading only the docs', () => {
  let dir: string
  let server: ShareServer
  let share: ShareInfo
  let base: string

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-rt-share-'))
    mkdirSync(join(dir, 'shared'))
    writeFileSync(join(dir, 'shared', 'a.txt'), 'hello\n')
    writeFileSync(join(dir, 'shared', 'empty'), '')
    server = await createShareServer({ host: '127.0.0.1', port: 0 })
    share = await server.addShare({ paths: [join(dir, 'shared')], allowUpload: true })
    base = share.urls.find((u) => u.startsWith('http://127.0.0.1:')) as string
  })

  afterEach(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('red team: a request for a foreign Host gets 421 with the security headers every answer carries', async () => {
    const answer = await ask(`${base}files`, { headers: { Host: `rebound.example:${server.port}` } })
    expect(answer.status).toBe(421)
    expect(JSON.parse(answer.body).error.code).toBe('FERRY_ERR_SHARE_HOST_REFUSED')
    expectSecurityHeaders(answer)
  })

  it('red team: a refused upload socket gets its JSON error with the security headers every answer carries', async () => {
    const answer = await ask(`${base}upload`, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version': '13',
        Origin: 'http://another-site.example'
      }
    })
    expect(answer.status).toBe(403)
    expect(JSON.parse(answer.body).error.code).toBe('FERRY_ERR_SHARE_ORIGIN_REFUSED')
    expectSecurityHeaders(answer)
  })

  it('red team: OPTIONS, a method no route lists, is 404 FERRY_ERR_SHARE_NOT_FOUND like any other', async () => {
    for (const path of ['files/0', 'files', '', 'all.zip']) {
      const answer = await ask(`${base}${path}`, { method: 'OPTIONS' })
      expect({ path, status: answer.status }).toEqual({ path, status: 404 })
      expect(JSON.parse(answer.body).error.code).toBe('FERRY_ERR_SHARE_NOT_FOUND')
      expect(answer.headers.allow).toBeUndefined()
    }
  })

  it('red team: downloading an empty file reports a complete download, as every other download does', async () => {
    const events: DownloadEvent[] = []
    server.on('download', (event) => { events.push(event) })
    const id = share.files.find((f) => f.path === 'shared/empty')?.id
    const answer = await ask(`${base}files/${String(id)}`)
    expect(answer.status).toBe(200)
    expect(answer.body).toBe('')
    await expect.poll(() => events.length).toBe(1)
    expect(events[0]).toMatchObject({ fileId: id, path: 'shared/empty', bytes: 0, complete: true, range: null })
  })
})


describe('red team: a shared folder with a name that is not UTF-8', () => {
  it('is shared with that entry left out and reported, not refused whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-rt-share-names-'))
    const server = await createShareServer({ host: '127.0.0.1', port: 0 })
    try {
      mkdirSync(join(dir, 'shared', 'sub'), { recursive: true })
      writeFileSync(join(dir, 'shared', 'ok.txt'), 'fine')
      // Linux takes any bytes but '/' and NUL in a name; Node reads this one back with U+FFFD, a name that is not there.
      const bad = Buffer.concat([Buffer.from(join(dir, 'shared', 'bad')), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')])
      const badFolder = Buffer.concat([Buffer.from(join(dir, 'shared', 'sub', 'f')), Buffer.from([0xff])])
      try {
        writeFileSync(bad, 'x')
        mkdirSync(badFolder)
      } catch {
        return // a file system that refuses such names (APFS) cannot hold this attack
      }
      writeFileSync(Buffer.concat([badFolder, Buffer.from('/inner.txt')]), 'y')
      const info = await server.addShare({ paths: [join(dir, 'shared')] })
      expect(info.files.map((f) => f.path)).toEqual(['shared/ok.txt'])
      expect(info.skipped.map((s) => s.reason)).toEqual(['unreadable', 'unreadable'])
      expect(info.skippedCount).toBe(2)
    } finally {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
