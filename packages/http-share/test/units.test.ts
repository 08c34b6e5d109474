// The small pure parts of share links, each as a table: Range parsing, Host headers, durations, limits, the share
// registry and collecting the shared files.

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { reachableHosts } from '@ferry/p2p-core'
import { isCompressible } from '../src/compression.ts'
import { ShareExpiredError, ShareLimitError, ShareNotFoundError } from '../src/errors.ts'
import { createHostCheck, parseHostHeader } from '../src/host-check.ts'
import { createShareServer, defaultShareLimits, parseDuration, resolveShareLimits } from '../src/index.ts'
import { ifRangeHolds, parseRange } from '../src/range.ts'
import { ShareRegistry, TOKEN_PATTERN } from '../src/share-registry.ts'
import { collectShareFiles } from '../src/shared-files.ts'
import { cleanAlias, describeUserAgent } from '../src/user-agent.ts'

describe('parseRange', () => {
  // Sizes around the read chunk: 0, 1, chunk-1, chunk, chunk+1 (STYLE.md rule 14).
  const chunk = 256 * 1024
  it.each([
    [undefined, 10, { kind: 'full' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=-1', 0, { kind: 'unsatisfiable' }],
    ['bytes=0-0', 1, { kind: 'partial', start: 0, end: 0 }],
    ['bytes=1-', 1, { kind: 'unsatisfiable' }],
    ['bytes=-5', 1, { kind: 'partial', start: 0, end: 0 }],
    [`bytes=${chunk - 1}-`, chunk - 1, { kind: 'unsatisfiable' }],
    [`bytes=${chunk - 2}-`, chunk - 1, { kind: 'partial', start: chunk - 2, end: chunk - 2 }],
    [`bytes=0-${chunk - 1}`, chunk, { kind: 'partial', start: 0, end: chunk - 1 }],
    [`bytes=${chunk}-${chunk}`, chunk + 1, { kind: 'partial', start: chunk, end: chunk }],
    [' bytes = 2-3 ', 10, { kind: 'partial', start: 2, end: 3 }],
    ['bytes= 2-3 ', 10, { kind: 'partial', start: 2, end: 3 }],
    ['bytes=3-2', 10, { kind: 'full' }],
    ['bytes=0-1,3-4', 10, { kind: 'full' }],
    ['bytes=-', 10, { kind: 'full' }],
    ['bytes=1.5-2', 10, { kind: 'full' }],
    ['lines=1-2', 10, { kind: 'full' }]
  ])('reads %j of a %i-byte file as %j', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected)
  })

  it('applies If-Range only to the same strong ETag, never to a date (issue 14: a date cannot prove the bytes)', () => {
    const mtime = Date.UTC(2026, 0, 2, 3, 4, 5, 678)
    expect(ifRangeHolds(undefined, '"a"')).toBe(true)
    expect(ifRangeHolds('"a"', '"a"')).toBe(true)
    expect(ifRangeHolds(' "a" ', '"a"')).toBe(true)
    expect(ifRangeHolds('W/"a"', '"a"')).toBe(false)
    expect(ifRangeHolds('"b"', '"a"')).toBe(false)
    expect(ifRangeHolds(new Date(mtime).toUTCString(), '"a"')).toBe(false)
    expect(ifRangeHolds('yesterday', '"a"')).toBe(false)
  })
})

describe('the Host check', () => {
  it.each([
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    ['LocalHost:8080', { host: 'localhost', port: 8080 }],
    ['[::1]:8080', { host: '::1', port: 8080 }],
    ['example.com', { host: 'example.com', port: 80 }],
    ['example.com.:80', { host: 'example.com', port: 80 }],
    ['a:b:c', null],
    ['[::1', null],
    ['[::1]x', null],
    ['host:99999', null],
    ['host:', null],
    ['ev il:80', null],
    ['', null],
    [undefined, null]
  ])('parses %j as %j', (header, expected) => {
    expect(parseHostHeader(header)).toEqual(expected)
  })

  it('answers this computer\'s addresses and added names on its own port only', () => {
    const allowed = createHostCheck({ port: 5000, allowedHosts: ['ferry.local'] })
    expect(allowed('127.0.0.1:5000')).toBe(true)
    expect(allowed('[::1]:5000')).toBe(true)
    expect(allowed('localhost:5000')).toBe(true)
    expect(allowed('FERRY.local:5000')).toBe(true)
    expect(allowed('127.0.0.1:5001')).toBe(false)
    expect(allowed('127.0.0.1')).toBe(false)
    expect(allowed('attacker.example:5000')).toBe(false)
    expect(allowed('10.255.255.254:5000')).toBe(false)
  })
})

describe('durations and limits', () => {
  it.each([['90s', 90_000], ['30m', 1_800_000], ['1h', 3_600_000], ['2d', 172_800_000], ['45', 45_000], ['1.5h', 5_400_000], [' 1H ', 3_600_000]])('reads %j as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each([['soon'], ['0'], ['-1h'], ['1w'], ['']])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(RangeError)
  })

  it('says a duration is too long, not "not longer than zero", past its bound or past what a number holds', () => {
    expect(() => parseDuration('31d', 30 * 86_400_000)).toThrow(/at most 30d/)
    expect(parseDuration('30d', 30 * 86_400_000)).toBe(30 * 86_400_000)
    expect(() => parseDuration('1000000000d')).toThrow(/too long/)
    expect(() => parseDuration('0')).toThrow(/longer than zero/)
  })

  it('gives a share at most maxShareTtlMs (30 days): longer is refused before anything is shared', async () => {
    const server = await createShareServer({ host: '127.0.0.1', port: 0 })
    try {
      await expect(server.addShare({ paths: [fileURLToPath(import.meta.url)], expiresInMs: defaultShareLimits.maxShareTtlMs + 1 })).rejects.toThrow(/at most 30 days/)
      expect(server.shares()).toHaveLength(0)
    } finally {
      await server.close()
    }
  })

  it('fill in defaults and refuse nonsense with the limit\'s name', () => {
    expect(resolveShareLimits({ maxSocketsPerIp: 2 })).toEqual({ ...defaultShareLimits, maxSocketsPerIp: 2 })
    expect(() => resolveShareLimits({ pingIntervalMs: 0 })).toThrow(/pingIntervalMs/)
    expect(() => resolveShareLimits({ maxFrameBytes: 2048, uploadWindowBytes: 1024 })).toThrow(/uploadWindowBytes/)
    expect(() => resolveShareLimits({ headersTimeoutMs: 2000, requestTimeoutMs: 1000 })).toThrow(/headersTimeoutMs/)
  })
})

describe('the share registry', () => {
  it('makes 128-bit tokens, and resolves only the exact token of a live share', () => {
    const registry = new ShareRegistry({ maxShares: 2 })
    const share = registry.add({ name: 's', files: [], allowUpload: false, expiresAt: Date.now() + 1000 })
    expect(share.token).toMatch(TOKEN_PATTERN)
    expect(Buffer.from(share.token, 'base64url')).toHaveLength(16)
    expect(registry.resolve(share.token)).toBe(share)
    expect(() => registry.resolve(share.token.toLowerCase() === share.token ? share.token.toUpperCase() : share.token.toLowerCase())).toThrow(ShareNotFoundError)
    expect(() => registry.resolve(`${share.token}x`)).toThrow(ShareNotFoundError)
    expect(() => registry.resolve(share.token, share.expiresAt)).toThrow(ShareExpiredError)
  })

  it('holds at most maxShares', () => {
    const registry = new ShareRegistry({ maxShares: 1 })
    registry.add({ name: 's', files: [], allowUpload: false, expiresAt: Date.now() + 1000 })
    expect(() => registry.add({ name: 't', files: [], allowUpload: false, expiresAt: Date.now() + 1000 })).toThrow(ShareLimitError)
  })

  it('checks the PIN and the PIN cookie, and forgets both on revoke', () => {
    const registry = new ShareRegistry({ maxShares: 2 })
    const share = registry.add({ name: 's', files: [], allowUpload: false, expiresAt: Date.now() + 1000, pin: '012345' })
    expect(registry.checkPin(share, '012345')).toBe(true)
    expect(registry.checkPin(share, '012346')).toBe(false)
    expect(registry.checkPin(share, 12345)).toBe(false)
    const value = registry.pinCookieValue(share)
    const cookie = `other=1; ferry_pin=${value}`
    expect(registry.pinCookieOk(share, cookie)).toBe(true)
    expect(registry.pinCookieOk(share, 'ferry_pin=forged')).toBe(false)
    // Issue 14: each client gets its own random value, and a value with another nonce or MAC does not pass.
    const other = registry.pinCookieValue(share)
    expect(other).not.toBe(value)
    expect(registry.pinCookieOk(share, `ferry_pin=${other}`)).toBe(true)
    const [nonce, mac] = value.split('.') as [string, string]
    const [otherNonce] = other.split('.') as [string, string]
    expect(registry.pinCookieOk(share, `ferry_pin=${otherNonce}.${mac}`)).toBe(false)
    expect(registry.pinCookieOk(share, `ferry_pin=${nonce}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`)).toBe(false)
    expect(registry.pinCookieOk(share, undefined)).toBe(false)
    registry.revoke(share.id)
    expect(() => registry.resolve(share.token)).toThrow(ShareNotFoundError)
    expect(registry.checkPin(share, '012345')).toBe(false)
  })
})

describe('collecting the shared files', () => {
  let dir: string
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ferry-collect-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  it('lists folders in name order, skips symbolic links inside them, and renames clashing top-level names', async () => {
    await mkdir(join(dir, 'a/sub'), { recursive: true })
    await mkdir(join(dir, 'b'), { recursive: true })
    await writeFile(join(dir, 'a/z.txt'), 'z')
    await writeFile(join(dir, 'a/sub/y.txt'), 'y')
    await writeFile(join(dir, 'b/z.txt'), 'zz')
    await writeFile(join(dir, 'secret'), 's')
    await symlink(join(dir, 'secret'), join(dir, 'a/link-to-secret'))
    await symlink('/etc', join(dir, 'a/etc'))
    const { files, skipped, skippedCount } = await collectShareFiles([join(dir, 'a'), join(dir, 'a/z.txt'), join(dir, 'b/z.txt')], { maxFiles: 10, maxSkippedReported: 10 })
    expect(files.map((f) => [f.id, f.path, f.size])).toEqual([[0, 'a/z.txt', 1], [1, 'a/sub/y.txt', 1], [2, 'z.txt', 1], [3, 'z (1).txt', 2]])
    expect(skipped).toEqual([
      { path: 'a/etc', absolutePath: join(dir, 'a/etc'), reason: 'symlink', detail: '-> /etc' },
      { path: 'a/link-to-secret', absolutePath: join(dir, 'a/link-to-secret'), reason: 'symlink', detail: `-> ${join(dir, 'secret')}` }
    ])
    expect(skippedCount).toBe(2)
  })

  it('follows a link named as a shared path, like cp -H, and lists what it leads to (issue 14)', async () => {
    await mkdir(join(dir, 'real/sub'), { recursive: true })
    await writeFile(join(dir, 'real/sub/x.txt'), 'x')
    await writeFile(join(dir, 'target.txt'), 'target')
    await symlink(join(dir, 'real'), join(dir, 'folder-link'))
    await symlink(join(dir, 'target.txt'), join(dir, 'file-link'))
    const { files, skipped } = await collectShareFiles([join(dir, 'folder-link'), join(dir, 'file-link')], { maxFiles: 10, maxSkippedReported: 10 })
    expect(files.map((f) => [f.path, f.absPath, f.size])).toEqual([
      ['folder-link/sub/x.txt', join(dir, 'real/sub/x.txt'), 1],
      ['file-link', join(dir, 'target.txt'), 6]
    ])
    expect(skipped).toEqual([])
  })

  it('skips sockets and other special files inside a folder, and reports at most maxSkippedReported by name (issue 14)', async () => {
    await writeFile(join(dir, 'file.txt'), 'f')
    for (let i = 0; i < 3; i++) await symlink('/etc/passwd', join(dir, `link${i}`))
    const server = createServer()
    await new Promise<void>((resolve) => { server.listen(join(dir, 'socket'), resolve) })
    try {
      const { files, skipped, skippedCount } = await collectShareFiles([dir], { maxFiles: 10, maxSkippedReported: 2 })
      expect(files.map((f) => f.path)).toEqual([`${basename(dir)}/file.txt`])
      expect(skipped.map((e) => [e.path, e.reason])).toEqual([[`${basename(dir)}/link0`, 'symlink'], [`${basename(dir)}/link1`, 'symlink']])
      expect(skippedCount).toBe(4)
      const all = await collectShareFiles([dir], { maxFiles: 10, maxSkippedReported: 10 })
      expect(all.skipped.at(-1)).toEqual({ path: `${basename(dir)}/socket`, absolutePath: join(dir, 'socket'), reason: 'socket' })
    } finally {
      await new Promise((resolve) => { server.close(resolve) })
    }
  })

  it('refuses more than maxFiles files, and a path that does not exist', async () => {
    for (let i = 0; i < 3; i++) await writeFile(join(dir, `f${i}`), '')
    const limits = { maxFiles: 2, maxSkippedReported: 10 }
    await expect(collectShareFiles([dir], limits)).rejects.toBeInstanceOf(ShareLimitError)
    await expect(collectShareFiles([join(dir, 'missing')], limits)).rejects.toMatchObject({ code: 'FERRY_ERR_SOURCE_NOT_FOUND' })
    await expect(collectShareFiles([], limits)).rejects.toMatchObject({ code: 'FERRY_ERR_NOTHING_TO_SEND' })
  })
})

describe('small helpers', () => {
  it('deflate text-like types in the zip and store the rest', () => {
    expect(['a.txt', 'a.json', 'a.svg', 'a.csv', 'a.js', 'a.html', 'a.md'].map(isCompressible)).toEqual([true, true, true, true, true, true, true])
    expect(['a.jpg', 'a.png', 'a.mp4', 'a.zip', 'a.gz', 'a.bin', 'noext', 'a.pdf'].map(isCompressible)).toEqual([false, false, false, false, false, false, false, false])
  })

  it('name a browser from its user agent, and clean a typed name', () => {
    expect(describeUserAgent('Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36')).toBe('Chrome on Android')
    expect(describeUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1')).toBe('Safari on iPhone')
    expect(describeUserAgent(undefined)).toBe('a browser')
    expect(cleanAlias('  Ana\u0000\u001b[31m  ')).toBe('Ana[31m')
    expect(cleanAlias('x'.repeat(100))).toHaveLength(64)
    expect(cleanAlias('   ')).toBeUndefined()
  })
})

describe('the links a share is given (issue 15)', () => {
  it('lead with the address other devices reach, as p2p-core orders them, and end with 127.0.0.1', async () => {
    const server = await createShareServer({ host: '0.0.0.0', port: 0 })
    try {
      const hosts = server.urlsFor('token').map((url) => new URL(url).hostname)
      expect(hosts.at(-1)).toBe('127.0.0.1')
      expect(hosts.slice(0, -1)).toEqual(reachableHosts('0.0.0.0').filter((h) => h !== '127.0.0.1'))
    } finally {
      await server.close()
    }
  })
})
