import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEVICES_FILE, TrustStore } from '../src/trust/trust-store.ts'

const A = '12D3KooWJBfA6L6Xj7XRHdEkvnHGUACi2HPvWqvzgzfKVt82f6sm'
const B = '12D3KooWK4EV64KXZCWanXwDDusareB4a5b7yQDsP1JbsZwMkXUk'
const C = '12D3KooWGkJZmzXXe9TfqMdF2Hpe8sH6Vbbvu3bLrkXSbRZ4mheE'

let dir: string
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ferry-trust-')) })
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

describe('the trust store', () => {
  it('remembers devices and the decisions about them across processes (a fresh open reads them back)', async () => {
    const store = await TrustStore.open(dir)
    await store.touch(A, { alias: 'laptop', address: '10.0.0.2:4000' })
    await store.update(A, (r) => r === undefined ? undefined : { ...r, trusted: true, autoAcceptDir: '/srv/in' })
    const again = await TrustStore.open(dir)
    expect(again.get(A)).toMatchObject({ peerId: A, alias: 'laptop', trusted: true, autoAcceptDir: '/srv/in', addresses: ['10.0.0.2:4000'] })
    expect(again.get(A)?.shortCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/)
  })

  it('keeps the newest address first and at most four', async () => {
    const store = await TrustStore.open(dir)
    for (let i = 1; i <= 6; i++) await store.touch(A, { address: `10.0.0.${i}:1` })
    await store.touch(A, { address: '10.0.0.4:1' })
    expect(store.get(A)?.addresses).toEqual(['10.0.0.4:1', '10.0.0.6:1', '10.0.0.5:1', '10.0.0.3:1'])
  })

  it('reads the last complete file when a crash left a garbage temporary file beside it, and sweeps stale ones', async () => {
    const store = await TrustStore.open(dir)
    await store.touch(A, { alias: 'laptop' })
    const garbage = join(dir, `${DEVICES_FILE}.4242.deadbeef0000.tmp`)
    await writeFile(garbage, '\u0000\u0001{"version": 1, "devi')
    const again = await TrustStore.open(dir)
    expect(again.warning).toBeUndefined()
    expect(again.get(A)?.alias).toBe('laptop')
    expect(await readdir(dir)).toContain(`${DEVICES_FILE}.4242.deadbeef0000.tmp`) // young: may be a live writer's
    const old = new Date(Date.now() - 10 * 60_000)
    await utimes(garbage, old, old)
    await TrustStore.open(dir)
    expect(await readdir(dir)).toEqual([DEVICES_FILE])
  })

  it('reads the old content when a crash cut the new one short before the rename (a partial temporary write)', async () => {
    const store = await TrustStore.open(dir)
    await store.touch(A, { alias: 'before' })
    const complete = await readFile(join(dir, DEVICES_FILE), 'utf8')
    // What the next write would have written, cut in the middle: it never replaced the real file.
    const next = complete.replace('before', 'after')
    await writeFile(join(dir, `${DEVICES_FILE}.${process.pid}.0123456789ab.tmp`), next.slice(0, Math.floor(next.length / 2)))
    const again = await TrustStore.open(dir)
    expect(again.warning).toBeUndefined()
    expect(again.get(A)?.alias).toBe('before')
    await again.touch(A, { alias: 'after' })
    expect((await TrustStore.open(dir)).get(A)?.alias).toBe('after')
  })

  it('is always readable and complete after a writer is killed at random moments (SIGKILL, 12 times)', async () => {
    const writer = new URL('./helpers/store-writer.ts', import.meta.url).pathname
    let seen = 0
    for (let round = 0; round < 12; round++) {
      const child = spawn(process.execPath, [writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] })
      await new Promise<void>((resolve) => { child.stdout.once('data', () => { resolve() }) })
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 150))
      child.kill('SIGKILL')
      await new Promise((resolve) => child.once('exit', resolve))
      const store = await TrustStore.open(dir)
      expect(store.warning).toBeUndefined()
      // Devices are only ever added, so a complete file never has fewer than the last one read.
      expect(store.list().length).toBeGreaterThanOrEqual(seen)
      seen = store.list().length
      JSON.parse(await readFile(join(dir, DEVICES_FILE), 'utf8'))
    }
    expect(seen).toBeGreaterThan(0)
  })

  it('sets a damaged file aside with a warning and starts empty, instead of failing every command', async () => {
    await writeFile(join(dir, DEVICES_FILE), 'this is not json')
    const store = await TrustStore.open(dir)
    expect(store.list()).toEqual([])
    expect(store.warning).toMatch(/could not be read.*moved to/)
    expect((await readdir(dir)).some((name) => name.startsWith(`${DEVICES_FILE}.damaged-`))).toBe(true)
  })

  it('sets a folder found where its file goes aside too, with a warning, and writes its file there again', async () => {
    await mkdir(join(dir, DEVICES_FILE))
    const store = await TrustStore.open(dir)
    expect(store.list()).toEqual([])
    expect(store.warning).toMatch(/it is a folder, not a file.*moved to/)
    await store.touch(A, { alias: 'after' })
    expect((await TrustStore.open(dir)).get(A)?.alias).toBe('after')
  })

  it('forgets the untrusted device seen longest ago beyond maxDevices, never a trusted one', async () => {
    const store = await TrustStore.open(dir, { maxDevices: 2 })
    await store.touch(A)
    await store.update(A, (r) => r === undefined ? undefined : { ...r, trusted: true, lastSeen: '2000-01-01T00:00:00.000Z' })
    await store.touch(B)
    await store.touch(C)
    expect(store.list().map((d) => d.peerId).sort()).toEqual([A, C].sort())
  })

  it('does not lose a change another process made meanwhile: every update re-reads the file', async () => {
    const one = await TrustStore.open(dir)
    const two = await TrustStore.open(dir)
    await one.touch(A, { alias: 'from one' })
    await two.touch(B, { alias: 'from two' })
    const after = await TrustStore.open(dir)
    expect(after.list().map((d) => d.alias).sort()).toEqual(['from one', 'from two'])
  })
})
