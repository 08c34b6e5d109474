// Issue 14, serving from a disk that changes under the share: a listed file replaced by a link, another type or
// another file is refused with a clear 410 (never served through the link), changed content gets a new ETag and a
// fresh hash, a download or zip whose source changes while it is sent fails visibly, and the smaller findings:
// strict routing in every letter case, the client's address on every download event, a per-address connection cap,
// and the entries a share leaves out, reported to its creator.

import { execFileSync } from 'node:child_process'
import { open, mkdir, rename, rm, stat, symlink, truncate, unlink, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { connect, createServer, type Socket } from 'node:net'
import { join } from 'node:path'
import request from 'supertest'
import { afterEach, describe, expect, it } from 'vitest'
import type { DownloadEvent, ShareInfo } from '../src/index.ts'
import { blake3Of, sharePath, startFixture, type Fixture } from './helpers/share-fixture.ts'
import { slowGet } from './helpers/slow-get.ts'
import { readZip } from './helpers/zip-reader.ts'

const MiB = 1024 * 1024
let fx: Fixture

afterEach(async () => { await fx.close() })

async function share (paths: string[], options: { name?: string } = {}): Promise<{ info: ShareInfo, base: string }> {
  const info = await fx.server.addShare({ paths: paths.map((p) => join(fx.dir, p)), ...options })
  return { info, base: sharePath(info.urls[0] as string) }
}

function idOf (info: ShareInfo, path: string): number {
  const file = info.files.find((f) => f.path === path)
  if (file === undefined) throw new Error(`no ${path} in ${info.files.map((f) => f.path).join(', ')}`)
  return file.id
}

/** Bytes whose value at i is (i * 7 + seed) % 256, so two versions of a file differ everywhere. */
function pattern (size: number, seed: number): Buffer {
  const bytes = Buffer.allocUnsafe(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + seed) & 0xff
  return bytes
}

describe('issue 14: a listed file is served only as listed, never through a link', () => {
  it('answers 410 FERRY_ERR_SHARE_FILE_REPLACED for a file replaced by a link, and serves neither its bytes nor its hash', async () => {
    fx = await startFixture()
    await fx.file('docs/x.txt', 'listed')
    await fx.file('secret.txt', 'root:secret bytes')
    const { info, base } = await share(['docs'])
    const id = idOf(info, 'docs/x.txt')
    await unlink(join(fx.dir, 'docs/x.txt'))
    await symlink(join(fx.dir, 'secret.txt'), join(fx.dir, 'docs/x.txt'))
    for (const path of [`${base}files/${id}`, `${base}files/${id}/blake3`, `${base}all.zip`]) {
      const res = await request(fx.origin).get(path).buffer(true)
      expect(res.status, path).toBe(410)
      expect(res.body.error.code, path).toBe('FERRY_ERR_SHARE_FILE_REPLACED')
      expect(res.body.error.message, path).toContain('docs/x.txt')
      expect(JSON.stringify(res.body), path).not.toContain('secret bytes')
      expect(JSON.stringify(res.body), path).not.toContain(fx.dir)
    }
    await request(fx.origin).head(`${base}files/${id}`).expect(410)
  })

  it.each([
    ['a folder inside the share', 'docs/sub'],
    ['the shared folder itself', 'docs']
  ])('answers 410 for the file and the zip when %s was replaced by a link to a folder holding a file of that name', async (_what, folder) => {
    fx = await startFixture()
    await fx.file('docs/sub/h.txt', 'listed')
    await fx.file('elsewhere/h.txt', 'not shared')
    await fx.file('elsewhere/sub/h.txt', 'not shared')
    const { info, base } = await share(['docs'])
    await rename(join(fx.dir, folder), join(fx.dir, 'moved'))
    await symlink(join(fx.dir, 'elsewhere'), join(fx.dir, folder))
    const res = await request(fx.origin).get(`${base}files/${idOf(info, 'docs/sub/h.txt')}`).expect(410)
    expect(res.body.error.code).toBe('FERRY_ERR_SHARE_FILE_REPLACED')
    await request(fx.origin).get(`${base}all.zip`).expect(410)
  })

  it('answers 410 for a file replaced by another file of the same name, or by a pipe (without hanging), and 404 once gone', async () => {
    fx = await startFixture()
    await fx.file('docs/a.txt', 'a')
    await fx.file('docs/b.txt', 'b')
    await fx.file('docs/c.txt', 'c')
    const { info, base } = await share(['docs'])
    await fx.file('docs/a.new', 'another a')
    await rename(join(fx.dir, 'docs/a.new'), join(fx.dir, 'docs/a.txt'))
    await unlink(join(fx.dir, 'docs/b.txt'))
    execFileSync('mkfifo', [join(fx.dir, 'docs/b.txt')])
    await unlink(join(fx.dir, 'docs/c.txt'))
    expect((await request(fx.origin).get(`${base}files/${idOf(info, 'docs/a.txt')}`).expect(410)).body.error.code).toBe('FERRY_ERR_SHARE_FILE_REPLACED')
    expect((await request(fx.origin).get(`${base}files/${idOf(info, 'docs/b.txt')}`).expect(410)).body.error.code).toBe('FERRY_ERR_SHARE_FILE_REPLACED')
    expect((await request(fx.origin).get(`${base}files/${idOf(info, 'docs/c.txt')}`).expect(404)).body.error.code).toBe('FERRY_ERR_SHARE_FILE_NOT_FOUND')
  })

  it('never puts a link into the zip: links inside a shared folder are left out, and reported to the share\'s creator', async () => {
    fx = await startFixture()
    await fx.file('docs/real.txt', 'real')
    await fx.file('secret.txt', 'secret')
    await symlink(join(fx.dir, 'secret.txt'), join(fx.dir, 'docs/link.txt'))
    await symlink('/etc', join(fx.dir, 'docs/etc'))
    const socketServer = createServer()
    await new Promise<void>((resolve) => { socketServer.listen(join(fx.dir, 'docs/socket'), resolve) })
    try {
      const { info, base } = await share(['docs'])
      expect(info.files.map((f) => f.path)).toEqual(['docs/real.txt'])
      expect(info.skippedCount).toBe(3)
      expect(info.skipped).toEqual([
        { path: 'docs/etc', absolutePath: join(fx.dir, 'docs/etc'), reason: 'symlink', detail: '-> /etc' },
        { path: 'docs/link.txt', absolutePath: join(fx.dir, 'docs/link.txt'), reason: 'symlink', detail: `-> ${join(fx.dir, 'secret.txt')}` },
        { path: 'docs/socket', absolutePath: join(fx.dir, 'docs/socket'), reason: 'socket' }
      ])
      const zip = await request(fx.origin).get(`${base}all.zip`).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => { done(null, Buffer.concat(chunks)) })
      }).expect(200)
      const entries = readZip(zip.body as Buffer)
      expect(entries.map((e) => e.name)).toEqual(['docs/real.txt'])
      for (const entry of entries) expect(entry.mode & 0o170000, entry.name).not.toBe(0o120000)
    } finally {
      await new Promise((resolve) => { socketServer.close(resolve) })
    }
  })
})

describe('issue 14: changed content is never served as unchanged', () => {
  it('refuses the zip with 404 naming the file when a listed file is gone before the zip starts, instead of leaving it out', async () => {
    fx = await startFixture()
    await fx.file('docs/a.txt', 'a')
    await fx.file('docs/b.txt', 'b')
    const { base } = await share(['docs'])
    await unlink(join(fx.dir, 'docs/b.txt'))
    const res = await request(fx.origin).get(`${base}all.zip`).expect(404)
    expect(res.body.error).toMatchObject({ code: 'FERRY_ERR_SHARE_FILE_NOT_FOUND', message: expect.stringContaining('docs/b.txt') })
  })

  it('changes the ETag when a file is rewritten in place and its modification time put back (touch -r), and answers a stale If-Range with the whole new file', async () => {
    fx = await startFixture()
    const path = await fx.file('doc.bin', pattern(64 * 1024, 1))
    const reference = await fx.file('reference', '')
    execFileSync('touch', ['-r', path, reference])
    const before = await stat(path, { bigint: true })
    const { base } = await share(['doc.bin'])
    const url = `${base}files/0`
    const old = (await request(fx.origin).head(url).expect(200)).headers.etag as string
    const fresh = pattern(64 * 1024, 2)
    await writeFile(path, fresh)
    execFileSync('touch', ['-r', reference, path])
    expect((await stat(path, { bigint: true })).mtimeNs).toBe(before.mtimeNs)
    const now = (await request(fx.origin).head(url).expect(200)).headers.etag as string
    expect(now).not.toBe(old)
    const resumed = await request(fx.origin).get(url).set('Range', 'bytes=1000-').set('If-Range', old).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => { done(null, Buffer.concat(chunks)) })
    })
    expect(resumed.status).toBe(200)
    expect(Buffer.compare(resumed.body as Buffer, fresh)).toBe(0)
    await request(fx.origin).get(url).set('If-None-Match', old).expect(200)
    await request(fx.origin).get(url).set('If-None-Match', now).expect(304)
  })

  it('shows the BLAKE3 of the current content after a same-size rewrite with the old modification time', async () => {
    fx = await startFixture()
    const path = await fx.file('doc.txt', 'version one')
    const reference = await fx.file('reference', '')
    execFileSync('touch', ['-r', path, reference])
    const { base } = await share(['doc.txt'])
    const first = await request(fx.origin).get(`${base}files/0/blake3`).expect(200)
    expect(first.body.blake3).toBe(await blake3Of(Buffer.from('version one')))
    await writeFile(path, 'version two')
    execFileSync('touch', ['-r', reference, path])
    const second = await request(fx.origin).get(`${base}files/0/blake3`).expect(200)
    expect(second.body.blake3).toBe(await blake3Of(Buffer.from('version two')))
  })

  it('ends a download of a file changed in place (same size) as failed, never as a complete 200', async () => {
    fx = await startFixture()
    const path = await fx.file('big.bin', pattern(32 * MiB, 1))
    const { base } = await share(['big.bin'])
    const result = await slowGet(fx.server.port, `${base}files/0`, async () => {
      const handle = await open(path, 'r+')
      await handle.write(pattern(MiB, 9), 0, MiB, 24 * MiB)
      await handle.close()
    })
    expect(result.status).toBe(200)
    expect(result.complete).toBe(false)
    expect(result.body.length).toBeLessThan(32 * MiB)
  })

  it.each([
    ['shrinks', async (dir: string) => { await truncate(join(dir, 'docs/a.bin'), 16 * MiB) }],
    ['is changed in place', async (dir: string) => {
      const handle = await open(join(dir, 'docs/a.bin'), 'r+')
      await handle.write(Buffer.alloc(MiB, 1), 0, MiB, 24 * MiB)
      await handle.close()
    }],
    ['disappears before its turn', async (dir: string) => { await unlink(join(dir, 'docs/b.bin')) }],
    ['becomes a link before its turn', async (dir: string) => {
      await unlink(join(dir, 'docs/b.bin'))
      await symlink('/etc/passwd', join(dir, 'docs/b.bin'))
    }]
  ])('cuts the zip when a file %s while the zip is sent, so the download fails instead of ending as a valid zip', async (_what, change) => {
    fx = await startFixture()
    await fx.file('docs/a.bin', pattern(32 * MiB, 1))
    await fx.file('docs/b.bin', pattern(MiB, 2))
    const { base } = await share(['docs'])
    const result = await slowGet(fx.server.port, `${base}all.zip`, async () => { await change(fx.dir) })
    expect(result.status).toBe(200)
    expect(result.complete).toBe(false)
    expect(() => readZip(result.body)).toThrow()
  })
})

describe('issue 14: routes, events and connections', () => {
  it('answers no route in another letter case (routing is strict, as documented)', async () => {
    fx = await startFixture()
    await fx.file('a.txt', 'a')
    const { base } = await share(['a.txt'])
    await request(fx.origin).get(`${base}files/0`).expect(200)
    const upper = base.replace('/s/', '/S/')
    for (const path of [`${base}FILES/0`, `${base}Files`, `${base}ALL.ZIP`, `${base}files/0/BLAKE3`, '/ASSETS/page.js', '/assets/PAGE.JS', `${upper}files`]) {
      const res = await request(fx.origin).get(path)
      expect(res.status, path).toBe(404)
    }
  })

  it('records the client\'s address on the download event of a client that closed the connection', async () => {
    fx = await startFixture()
    await fx.file('big.bin', pattern(32 * MiB, 1))
    await fx.file('small.txt', 'small')
    const { base } = await share(['big.bin', 'small.txt'])
    const events: DownloadEvent[] = []
    fx.server.on('download', (e) => { events.push(e) })
    for (const path of [`${base}files/0`, `${base}all.zip`]) {
      await new Promise<void>((resolve) => {
        const req = httpRequest({ host: '127.0.0.1', port: fx.server.port, path, agent: false }, (res) => {
          res.once('data', () => { req.destroy() })
          res.on('error', () => {})
          res.on('close', () => { resolve() })
        })
        req.on('error', () => {})
        req.on('close', () => { resolve() })
        req.end()
      })
    }
    const deadline = Date.now() + 5000
    while (events.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(events).toEqual([
      expect.objectContaining({ fileId: 0, complete: false, remoteAddress: '127.0.0.1' }),
      expect.objectContaining({ fileId: null, complete: false, remoteAddress: '127.0.0.1' })
    ])
  })

  it('caps connections per address (maxConnectionsPerIp), so one host holding idle sockets cannot lock another out', async () => {
    fx = await startFixture({ limits: { maxConnections: 16, maxConnectionsPerIp: 4 } })
    await fx.file('a.txt', 'served')
    const { base } = await share(['a.txt'])
    const held: Socket[] = []
    try {
      for (let i = 0; i < 16; i++) {
        const socket = connect(fx.server.port, '127.0.0.1')
        socket.on('error', () => {})
        held.push(socket)
        await new Promise<void>((resolve) => { socket.once('connect', () => { resolve() }); socket.once('close', () => { resolve() }) })
      }
      // The server closes what is over the cap as soon as it sees it.
      const deadline = Date.now() + 5000
      while (held.filter((s) => !s.destroyed && !s.readableEnded).length > 4 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(held.filter((s) => !s.destroyed && !s.readableEnded)).toHaveLength(4)
      const other = await new Promise<{ status: number, body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: fx.server.port, path: `${base}files/0`, localAddress: '127.0.0.2', agent: false }, (res) => {
          let body = ''
          res.on('data', (d: Buffer) => { body += d.toString() })
          res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }) })
        })
        req.on('error', reject)
        req.end()
      })
      expect(other).toEqual({ status: 200, body: 'served' })
    } finally {
      for (const s of held) s.destroy()
    }
  })
})

describe('issue 14: the listing policy when a share is made', () => {
  it('follows a link named as a shared path (like cp -H) and keeps serving the file it led to', async () => {
    fx = await startFixture()
    await fx.file('real/x.txt', 'real x')
    await mkdir(join(fx.dir, 'links'))
    await symlink(join(fx.dir, 'real'), join(fx.dir, 'links/folder'))
    await symlink(join(fx.dir, 'real/x.txt'), join(fx.dir, 'links/file.txt'))
    const { info, base } = await share(['links/folder', 'links/file.txt'])
    expect(info.files.map((f) => f.path)).toEqual(['folder/x.txt', 'file.txt'])
    // Re-pointing the named link later changes nothing: the share holds what the link led to when it was made.
    await rm(join(fx.dir, 'links/file.txt'))
    await fx.file('other.txt', 'other')
    await symlink(join(fx.dir, 'other.txt'), join(fx.dir, 'links/file.txt'))
    expect((await request(fx.origin).get(`${base}files/${idOf(info, 'file.txt')}`).expect(200)).text).toBe('real x')
    expect(info.skipped).toEqual([])
  })
})
