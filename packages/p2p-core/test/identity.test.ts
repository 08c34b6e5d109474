import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IDENTITY_FILE, loadOrCreateIdentity, shortCodeFor } from '../src/identity/identity.ts'

let dir: string
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ferry-id-')) })
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

describe('device identity', () => {
  it('is created on first use in a file only its owner can read (0600)', async () => {
    const identity = await loadOrCreateIdentity(join(dir, 'config'))
    expect(identity.peerId).toMatch(/^12D3KooW/)
    expect((await stat(join(dir, 'config', IDENTITY_FILE))).mode & 0o777).toBe(0o600)
  })

  it('is the same device id on every later start', async () => {
    const first = await loadOrCreateIdentity(dir)
    const again = await loadOrCreateIdentity(dir)
    expect(again.peerId).toBe(first.peerId)
    expect(again.shortCode).toBe(first.shortCode)
  })

  it('settles on one key when two processes start at once', async () => {
    const [a, b] = await Promise.all([loadOrCreateIdentity(dir), loadOrCreateIdentity(dir)])
    expect(a.peerId).toBe(b.peerId)
  })

  it('derives a short code of two groups of four unambiguous characters, different for different ids', async () => {
    const code = shortCodeFor('12D3KooWBh7WtZuTKxKwQCTBMmgDQrLtTxFZ2p4QVnmcQh6SY2PG')
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/)
    expect(shortCodeFor('12D3KooWGkJZmzXXe9TfqMdF2Hpe8sH6Vbbvu3bLrkXSbRZ4mheE')).not.toBe(code)
  })
})
