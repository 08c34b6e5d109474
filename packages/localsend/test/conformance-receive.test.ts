// Conformance, issue 18: a LocalSend sender (the test peer, written from the spec) sends to Ferry's LocalSend
// server, over http and over https (mutual TLS). Every received file goes through IncomingFile: nothing is visible
// before its SHA-256 matched, and whatever a failed or cancelled session wrote is gone afterwards.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CancelledError, createInlineHasher } from '@ferry/p2p-core'
import { LocalSendChecksumError, LocalSendServer } from '../src/index.ts'
import { ferryIdentity, listTree, startFerry, tempDir, type FerrySide } from './helpers/ferry-side.ts'
import { peerCertificate } from './peer/certificate.ts'
import { call, cancel, prepareUpload, upload, uploadPath, type PeerFile } from './peer/peer-client.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function ferry (protocol: 'http' | 'https', options: Parameters<typeof startFerry>[1] = {}): Promise<FerrySide> {
  const side = await startFerry(protocol, options)
  cleanups.push(side.close)
  return side
}

function folder (): string {
  const made = tempDir()
  cleanups.push(made.remove)
  return made.dir
}

/** The promise, with its rejection marked as handled (the test awaits it later, after other steps). */
function later<T> (promise: Promise<T>): Promise<T> {
  promise.catch(() => {})
  return promise
}

const bytes = (n: number, seed = 1): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff))

describe.each(['http', 'https'] as const)('Ferry receives from a LocalSend sender over %s (issue 18)', (protocol) => {
  it('takes several files with a folder, in parallel uploads, each verified and saved under its relative path', async () => {
    const side = await ferry(protocol)
    const dir = folder()
    const files: PeerFile[] = [
      { fileName: 'photo.jpg', data: bytes(200_000), fileType: 'image/jpeg' },
      { fileName: 'album/one.txt', data: bytes(10, 7) },
      { fileName: 'album/deep/empty.bin', data: Buffer.alloc(0) }
    ]
    const prepared = prepareUpload(side.target, files)
    const offer = await side.nextOffer()
    expect(offer.files.map((f) => [f.path, f.size])).toEqual(files.map((f) => [f.fileName, f.data.byteLength]))
    expect(offer.from).toMatchObject({ alias: 'Test Peer', deviceType: 'server' })
    if (protocol === 'https') {
      // Mutual TLS: the sender is known by its certificate, not by the fingerprint it claims.
      expect(offer.localsend.certificateFingerprint).toBe(peerCertificate().fingerprint)
      expect(offer.from.peerId).toBe(`localsend:${peerCertificate().fingerprint}`)
    } else {
      expect(offer.localsend.certificateFingerprint).toBeUndefined()
    }
    const outcome = later(offer.respond({ accept: true, dir }))
    const answer = await prepared
    expect(answer.status).toBe(200)
    const { sessionId, files: tokens } = answer.json() as { sessionId: string, files: Record<string, string> }
    expect(Object.keys(tokens).sort()).toEqual([...answer.ids].sort())
    const results = await Promise.all(files.map(async (f, i) => await upload(side.target, sessionId, answer.ids[i] as string, tokens[answer.ids[i] as string] as string, f.data)))
    expect(results.map((r) => r.status)).toEqual([200, 200, 200])
    const result = await outcome
    expect(result.status).toBe('completed')
    expect(result.files.map((f) => f.path).sort()).toEqual(files.map((f) => f.fileName).sort())
    expect(listTree(dir)).toEqual(['album', 'album/deep', 'album/deep/empty.bin', 'album/one.txt', 'photo.jpg'])
    for (const f of files) expect(readFileSync(join(dir, f.fileName)).equals(f.data)).toBe(true)
    // LocalSend has no BLAKE3, but Ferry's records get one all the same.
    for (const saved of result.files) {
      const hasher = createInlineHasher()
      await hasher.update(readFileSync(saved.savedAs))
      expect(saved.blake3).toBe(await hasher.digest())
    }
    expect(side.server.sessionCount).toBe(0)
  })

  it('asks for the PIN with 401, takes the right one, and answers 429 after repeated wrong tries from one address', async () => {
    const side = await ferry(protocol, { pin: '482913' })
    const file = [{ fileName: 'a.txt', data: bytes(5) }]
    expect((await prepareUpload(side.target, file)).status).toBe(401)
    expect((await prepareUpload(side.target, file, { pin: '000000' })).status).toBe(401)
    expect(side.offers).toHaveLength(0)
    const right = prepareUpload(side.target, file, { pin: '482913' })
    const offer = await side.nextOffer()
    void offer.respond({ accept: false })
    expect((await right).status).toBe(403)
    // Three wrong in a row from this address: locked out, even with the right PIN; another address is not.
    for (let i = 0; i < 3; i++) expect((await prepareUpload(side.target, file, { pin: '111111' })).status).toBe(401)
    const locked = await prepareUpload(side.target, file, { pin: '482913' })
    expect(locked.status).toBe(429)
    expect(locked.json()).toHaveProperty('message')
    expect((await prepareUpload(side.target, file, { pin: '111111', localAddress: '127.0.0.2' })).status).toBe(401)
  })

  it('answers 409 to a second sender while a session is open, and 403 when the offer is declined', async () => {
    const side = await ferry(protocol)
    const first = prepareUpload(side.target, [{ fileName: 'a.txt', data: bytes(5) }])
    const offer = await side.nextOffer()
    const busy = await prepareUpload(side.target, [{ fileName: 'b.txt', data: bytes(5) }], { localAddress: '127.0.0.3' })
    expect(busy.status).toBe(409)
    expect(side.offers).toHaveLength(0)
    const declined = offer.respond({ accept: false })
    expect((await first).status).toBe(403)
    expect((await declined).status).toBe('declined')
    expect(side.server.sessionCount).toBe(0)
  })

  it('accepts part of an offer: tokens only for the chosen files, and an upload of another is refused', async () => {
    const side = await ferry(protocol)
    const dir = folder()
    const files = [{ fileName: 'keep.txt', data: bytes(100) }, { fileName: 'skip.txt', data: bytes(100, 2) }]
    const prepared = prepareUpload(side.target, files)
    const offer = await side.nextOffer()
    const outcome = later(offer.respond({ accept: true, dir, files: [0] }))
    const answer = await prepared
    const { sessionId, files: tokens } = answer.json() as { sessionId: string, files: Record<string, string> }
    expect(Object.keys(tokens)).toEqual([answer.ids[0]])
    const refused = await upload(side.target, sessionId, answer.ids[1] as string, tokens[answer.ids[0] as string] as string, files[1]!.data)
    expect(refused.status).toBe(403)
    expect((await upload(side.target, sessionId, answer.ids[0] as string, tokens[answer.ids[0] as string] as string, files[0]!.data)).status).toBe(200)
    expect((await outcome).files.map((f) => f.path)).toEqual(['keep.txt'])
    expect(listTree(dir)).toEqual(['keep.txt'])
  })

  it('takes a chunked upload (no Content-Length)', async () => {
    const side = await ferry(protocol)
    const dir = folder()
    const data = bytes(300_001)
    const prepared = prepareUpload(side.target, [{ fileName: 'chunked.bin', data }])
    const outcome = later((await side.nextOffer()).respond({ accept: true, dir }))
    const answer = await prepared
    const { sessionId, files: tokens } = answer.json() as { sessionId: string, files: Record<string, string> }
    expect((await upload(side.target, sessionId, answer.ids[0] as string, tokens[answer.ids[0] as string] as string, data, { chunked: true })).status).toBe(200)
    await outcome
    expect(readFileSync(join(dir, 'chunked.bin')).equals(data)).toBe(true)
  })

  it('answers 422 to a file whose SHA-256 does not match, keeps nothing of it, and takes it again when it comes whole', async () => {
    const side = await ferry(protocol)
    const dir = folder()
    const data = bytes(50_000)
    const prepared = prepareUpload(side.target, [{ fileName: 'damaged.bin', data }])
    const outcome = later((await side.nextOffer()).respond({ accept: true, dir }))
    const answer = await prepared
    const { sessionId, files: tokens } = answer.json() as { sessionId: string, files: Record<string, string> }
    const id = answer.ids[0] as string
    const broken = Buffer.from(data)
    broken[1234] ^= 0xff
    const bad = await upload(side.target, sessionId, id, tokens[id] as string, broken)
    expect(bad.status).toBe(422)
    expect(listTree(dir)).toEqual([])
    expect((await upload(side.target, sessionId, id, tokens[id] as string, data)).status).toBe(200)
    await outcome
    expect(readFileSync(join(dir, 'damaged.bin')).equals(data)).toBe(true)
  })

  it('after three damaged uploads of one file the session fails with the checksum error and nothing is kept', async () => {
    const side = await ferry(protocol)
    const dir = folder()
    const data = bytes(1000)
    const prepared = prepareUpload(side.target, [{ fileName: 'x.bin', data, sha256: 'ab'.repeat(32) }])
    const outcome = later((await side.nextOffer()).respond({ accept: true, dir }))
    const answer = await prepared
    const { sessionId, files: tokens } = answer.json() as { sessionId: string, files: Record<string, string> }
    const id = answer.ids[0] as string
    for (let i = 0; i < 3; i++) expect((await upload(side.target, sessionId, id, tokens[id] as string, data)).status).toBe(422)
    await expect(outcome).rejects.toBeInstanceOf(LocalSendChecksumError)
    expect(listTree(dir)).toEqual([])
  })

  it('shows a text message (a text/plain file with its text in preview) and answers 204', async () => {
    const side = await ferry(protocol)
    const text = 'Hello from LocalSend ✓'
    const prepared = prepareUpload(side.target, [{ fileName: 'message.txt', data: Buffer.from(text), fileType: 'text/plain', preview: text, sha256: null }])
    const offer = await side.nextOffer()
    expect(offer.text).toBe(text)
    expect(offer.files).toEqual([])
    const result = offer.respond({ accept: true, dir: folder() })
    expect((await prepared).status).toBe(204)
    expect(await result).toMatchObject({ status: 'completed', text, files: [] })
  })

  it('refuses an upload from another address than the one that prepared the session', async () => {
    const side = await ferry(protocol)
    const dir = folder()
    const data = bytes(100)
    const prepared = prepareUpload(side.target, [{ fileName: 'a.bin', data }])
    const outcome = later((await side.nextOffer()).respond({ accept: true, dir }))
    const answer = await prepared
    const { sessionId, files: tokens } = answer.json() as { sessionId: string, files: Record<string, string> }
    const id = answer.ids[0] as string
    const other = await upload(side.target, sessionId, id, tokens[id] as string, data, { localAddress: '127.0.0.2' })
    expect(other.status).toBe(403)
    expect(listTree(dir)).toEqual([])
    expect((await upload(side.target, sessionId, id, tokens[id] as string, data)).status).toBe(200)
    await outcome
  })

  it('ends the session when the sender cancels mid-upload: the offer fails as cancelled and no partial stays', async () => {
    const side = await ferry(protocol)
    const dir = folder()
    const data = bytes(1_000_000)
    const prepared = prepareUpload(side.target, [{ fileName: 'big.bin', data }, { fileName: 'small.txt', data: bytes(10) }])
    const outcome = later((await side.nextOffer()).respond({ accept: true, dir }))
    const answer = await prepared
    const { sessionId, files: tokens } = answer.json() as { sessionId: string, files: Record<string, string> }
    const id = answer.ids[0] as string
    // Half the body, then the sender cancels while the upload's connection is still open.
    const half = call(side.target, 'POST', uploadPath(sessionId, id, tokens[id] as string), {
      contentLength: data.byteLength,
      body: (req) => { req.write(data.subarray(0, 500_000)) }
    }).catch((err: unknown) => err)
    await expect.poll(() => listTree(dir).length, { timeout: 5_000 }).toBeGreaterThan(0) // its partial exists
    expect((await cancel(side.target, sessionId)).status).toBe(200)
    await expect(outcome).rejects.toBeInstanceOf(CancelledError)
    await half
    await expect.poll(() => listTree(dir), { timeout: 5_000 }).toEqual([])
    expect(side.server.sessionCount).toBe(0)
  })

  it('withdraws the offer when the sender cancels before it was answered', async () => {
    const side = await ferry(protocol)
    const prepared = prepareUpload(side.target, [{ fileName: 'a.txt', data: bytes(5) }]).catch((err: unknown) => err)
    const offer = await side.nextOffer()
    expect((await cancel(side.target)).status).toBe(200)
    expect(offer.withdrawn.aborted).toBe(true)
    await prepared
    expect(side.server.sessionCount).toBe(0)
  })

  it('ends the session when Ferry cancels mid-upload: the running upload is refused and no partial stays', async () => {
    const side = await ferry(protocol)
    const dir = folder()
    const data = bytes(1_000_000)
    const prepared = prepareUpload(side.target, [{ fileName: 'big.bin', data }])
    const controller = new AbortController()
    const outcome = later((await side.nextOffer()).respond({ accept: true, dir, signal: controller.signal }))
    const answer = await prepared
    const { sessionId, files: tokens } = answer.json() as { sessionId: string, files: Record<string, string> }
    const id = answer.ids[0] as string
    const running = call(side.target, 'POST', uploadPath(sessionId, id, tokens[id] as string), {
      contentLength: data.byteLength,
      body: (req) => { req.write(data.subarray(0, 400_000)) }
    }).then((r) => r.status, (err: unknown) => (err as NodeJS.ErrnoException).code)
    await expect.poll(() => listTree(dir).length, { timeout: 5_000 }).toBeGreaterThan(0)
    controller.abort()
    await expect(outcome).rejects.toBeInstanceOf(CancelledError)
    expect([403, 'ECONNRESET', 'EPIPE']).toContain(await running)
    await expect.poll(() => listTree(dir), { timeout: 5_000 }).toEqual([])
    // The session is gone: its tokens open nothing any more.
    expect((await upload(side.target, sessionId, id, tokens[id] as string, data)).status).toBe(403)
  })
})

describe('Ferry\'s LocalSend server over https (issue 18)', () => {
  it('counts a register only when the claimed fingerprint is the client certificate\'s, and answers with its own', async () => {
    const registered: string[] = []
    const id = await ferryIdentity()
    const server = new LocalSendServer({ identity: id, alias: 'R', protocol: 'https', host: '127.0.0.1', port: 0, onOffer: () => {}, onRegister: (d) => { registered.push(d.info.fingerprint) } })
    const { port } = await server.listen()
    cleanups.push(async () => { await server.close() })
    const target = { host: '127.0.0.1', port, protocol: 'https' as const }
    const honest = await call(target, 'POST', '/api/localsend/v2/register', { body: JSON.stringify({ alias: 'Peer', version: '2.1', fingerprint: peerCertificate().fingerprint, port: 1234, protocol: 'https' }) })
    expect(honest.status).toBe(200)
    expect(honest.json()).toMatchObject({ alias: 'R', fingerprint: id.fingerprint, version: '2.1' })
    const spoofed = await call(target, 'POST', '/api/localsend/v2/register', { body: JSON.stringify({ alias: 'Spoof', version: '2.1', fingerprint: 'AB'.repeat(32), port: 1234, protocol: 'https' }) })
    expect(spoofed.status).toBe(200)
    expect(registered).toEqual([peerCertificate().fingerprint])
  })

  it('refuses a client without a certificate when client certificates are required', async () => {
    const side = await ferry('https', { requireClientCertificate: true })
    await expect(call(side.target, 'GET', '/api/localsend/v2/info', { anonymous: true })).rejects.toThrow()
    expect((await call(side.target, 'GET', '/api/localsend/v2/info')).status).toBe(200)
  })
})
