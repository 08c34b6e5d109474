// Attacks on `ferry ui`'s /drops written from docs/ui-files.md alone (the red team's round on `rt-share`): all copies
// together stay under the disk's free space, checked before anything is written; a disk that fills anyway is the
// disk's failure, not the page's.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DropStaging } from '../src/ui-server/drops.ts'

interface Answer { status: number, body: { batch?: string, error?: { code: string, message: string } } }

async function serve (staging: DropStaging): Promise<{ server: Server, base: string }> {
  const server = createServer((req, res) => { void staging.handle(req, res, new URL(req.url ?? '/', 'http://x').pathname) })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

async function send (url: string, method: string, body: Buffer | string): Promise<Answer> {
  return await new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: text === '' ? {} : JSON.parse(text) }) })
    })
    req.on('error', reject)
    req.end(body)
  })
}

const manifest = (files: Array<{ path: string, size: number }>): string => JSON.stringify({ files })

describe('red team: /drops and the disk it writes to', () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('refuses a drop that fits the free space alone but not with the drops already promised room', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-rt-drops-'))
    cleanups.push(() => { rmSync(dir, { recursive: true, force: true }) })
    const staging = new DropStaging({ root: join(dir, 'ui-drops'), limits: { maxStagedBytes: Number.MAX_SAFE_INTEGER } })
    await staging.start()
    cleanups.push(async () => { await staging.close() })
    const { server, base } = await serve(staging)
    cleanups.push(() => { server.close() })
    const info = statfsSync(dir)
    // Each alone fits; both together need 120 % of what is free. Nothing is written: only the sizes are declared.
    const each = Math.floor(info.bavail * info.bsize * 0.6)
    const first = await send(`${base}/drops`, 'POST', manifest([{ path: 'a.bin', size: each }]))
    expect(first.status).toBe(201)
    const second = await send(`${base}/drops`, 'POST', manifest([{ path: 'b.bin', size: each }]))
    expect({ status: second.status, code: second.body.error?.code }).toEqual({ status: 507, code: 'FERRY_ERR_NO_SPACE' })
  })

  it('answers a write that fills the disk with FERRY_ERR_NO_SPACE and keeps nothing of it', async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-rt-drops-full-'))
    cleanups.push(() => { rmSync(dir, { recursive: true, force: true }) })
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' })
    } catch {
      ctx.skip() // a full disk needs a small file system of its own: root mounts a tmpfs
      return
    }
    cleanups.push(() => { execFileSync('umount', ['-l', dir], { stdio: 'ignore' }) })
    const staging = new DropStaging({ root: join(dir, 'ui-drops') })
    await staging.start()
    cleanups.push(async () => { await staging.close() })
    const { server, base } = await serve(staging)
    cleanups.push(() => { server.close() })
    const size = 700 * 1024
    const first = await send(`${base}/drops`, 'POST', manifest([{ path: 'a.bin', size }]))
    expect(first.status).toBe(201)
    // Another program takes the room after the drop was checked: the free space was true when it was read.
    execFileSync('dd', ['if=/dev/zero', `of=${join(dir, 'filler')}`, 'bs=64k', 'count=8'], { stdio: 'ignore' })
    const put = await send(`${base}/drops/${String(first.body.batch)}/0`, 'PUT', Buffer.alloc(size, 1))
    expect({ status: put.status, code: put.body.error?.code }).toEqual({ status: 507, code: 'FERRY_ERR_NO_SPACE' })
    expect(readdirSync(join(dir, 'ui-drops', String(first.body.batch)))).toEqual([])
  })
})
