// Hostile LocalSend senders, issue 18: names that climb out of the destination, bodies over their limit, a declared
// size that lies, a flood of wrong PINs from many addresses, and a thousand sessions one after another with the
// receiver's memory measured after them in a process of its own. Nothing lands outside the destination, nothing
// unverified stays, and every limit answers before anything is allocated for it.

import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TimeoutError } from '@ferry/p2p-core'
import { LocalSendSizeMismatchError } from '../src/index.ts'
import { listTree, startFerry, tempDir, type FerrySide } from './helpers/ferry-side.ts'
import { startReceiverProcess } from './helpers/receiver-process.ts'
import { call, cancel, prepareBody, prepareUpload, upload, uploadPath } from './peer/peer-client.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function ferry (options: Parameters<typeof startFerry>[1] = {}): Promise<FerrySide> {
  const side = await startFerry('http', options)
  cleanups.push(side.close)
  return side
}

function folder (): string {
  const made = tempDir()
  cleanups.push(made.remove)
  return made.dir
}

describe('hostile LocalSend senders (issue 18)', () => {
  it.each([
    ['../escape.txt'], ['/etc/passwd'], ['album/../../escape.txt'], ['C:\\Windows\\x.txt'], ['a//b.txt'], ['./x'], ['a/.'], ['x'.repeat(256)]
  ])('refuses the name %j with 400 before an offer is raised or anything is created', async (fileName) => {
    // An offer that got through would be declined at once (403), so a missed check fails fast rather than hanging.
    const side = await ferry({ onOffer: (offer) => { void offer.respond({ accept: false }) } })
    const answer = await prepareUpload(side.target, [{ fileName, data: Buffer.from('x') }])
    expect(answer.status).toBe(400)
    expect(answer.json()).toHaveProperty('message')
    expect(side.offers).toEqual([])
    expect(side.server.sessionCount).toBe(0)
  })

  it('refuses a fileName more than maxPathDepth components deep with 400 (128 by default), and takes one at the limit', async () => {
    const side = await ferry({ limits: { maxPathDepth: 3 }, onOffer: (offer) => { void offer.respond({ accept: false }) } })
    const deep = await prepareUpload(side.target, [{ fileName: 'a/b/c/d.txt', data: Buffer.from('x') }])
    expect(deep.status).toBe(400)
    expect(side.offers).toEqual([])
    const atLimit = await prepareUpload(side.target, [{ fileName: 'a/b/c.txt', data: Buffer.from('x') }])
    expect(atLimit.status).toBe(403) // raised as an offer (declined by this test), so the depth let it through
    expect(side.offers).toHaveLength(1)
    // The default holds too: 129 components, far under maxPathBytes.
    const byDefault = await ferry({ onOffer: (offer) => { void offer.respond({ accept: false }) } })
    expect((await prepareUpload(byDefault.target, [{ fileName: `${'d/'.repeat(128)}x.txt`, data: Buffer.from('x') }])).status).toBe(400)
    expect(byDefault.offers).toEqual([])
  })

  it('answers 413 to a JSON body over maxJsonBodyBytes, declared or chunked, and to more files than maxFilesPerSession', async () => {
    const side = await ferry({ limits: { maxJsonBodyBytes: 2048, maxFilesPerSession: 3 } })
    const big = prepareBody('http', [{ fileName: 'a.txt', data: Buffer.from('x'), preview: 'p'.repeat(5000) }]).body
    expect((await call(side.target, 'POST', '/api/localsend/v2/prepare-upload', { body: big })).status).toBe(413)
    const chunked = await call(side.target, 'POST', '/api/localsend/v2/prepare-upload', {
      body: (req) => {
        req.setHeader('transfer-encoding', 'chunked')
        for (let i = 0; i < 10; i++) req.write('x'.repeat(1000))
        req.end()
      }
    }).catch((err: unknown) => ({ status: (err as NodeJS.ErrnoException).code }))
    expect([413, 'ECONNRESET', 'EPIPE']).toContain(chunked.status)
    const many = await prepareUpload(side.target, [1, 2, 3, 4].map((i) => ({ fileName: `${i}.txt`, data: Buffer.from('x') })))
    expect(many.status).toBe(413)
    const texts = await ferry({ limits: { maxTextBytes: 100 } })
    const long = 'w'.repeat(101)
    expect((await prepareUpload(texts.target, [{ fileName: 'm.txt', data: Buffer.from(long), fileType: 'text/plain', preview: long, sha256: null }])).status).toBe(413)
    expect(texts.offers).toEqual([])
    expect(side.offers).toEqual([])
  })

  it('answers 400 to a body that is not the protocol\'s JSON', async () => {
    const side = await ferry()
    for (const body of ['not json', '{}', '{"info":{"alias":"x"},"files":{}}', JSON.stringify({ info: { alias: 'x', fingerprint: 'y' }, files: { a: { id: 'a', fileName: 'a', size: -1 } } })]) {
      expect((await call(side.target, 'POST', '/api/localsend/v2/prepare-upload', { body })).status).toBe(400)
    }
    expect((await call(side.target, 'POST', '/api/localsend/v2/register', { body: '[]' })).status).toBe(400)
    expect((await call(side.target, 'POST', '/api/localsend/v2/upload', { body: 'x' })).status).toBe(400)
  })

  it.each([
    ['more bytes than offered, declared up front', { send: 2000, contentLength: 2000 }],
    ['more bytes than offered, chunked', { send: 2000, chunked: true }],
    ['fewer bytes than offered', { send: 500, contentLength: 500 }],
    ['fewer bytes than offered, chunked', { send: 500, chunked: true }]
  ])('a declared size that lies (%s) ends the session with 400, and nothing of it stays', async (_name, how) => {
    const side = await ferry()
    const dir = folder()
    const offered = Buffer.alloc(1000, 7)
    const prepared = prepareUpload(side.target, [{ fileName: 'liar.bin', data: offered, sha256: null }])
    const outcome = (await side.nextOffer()).respond({ accept: true, dir })
    outcome.catch(() => {})
    const answer = await prepared
    const { sessionId, files } = answer.json() as { sessionId: string, files: Record<string, string> }
    const id = answer.ids[0] as string
    const data = Buffer.alloc(how.send, 7)
    const res = await call(side.target, 'POST', uploadPath(sessionId, id, files[id] as string), {
      ...('contentLength' in how ? { contentLength: how.contentLength } : {}),
      body: (req) => {
        if ('chunked' in how) req.setHeader('transfer-encoding', 'chunked')
        req.end(data)
      }
    }).catch((err: unknown) => ({ status: (err as NodeJS.ErrnoException).code }))
    expect([400, 'ECONNRESET', 'EPIPE']).toContain(res.status)
    await expect(outcome).rejects.toBeInstanceOf(LocalSendSizeMismatchError)
    await expect.poll(() => listTree(dir)).toEqual([])
  })

  it('an offer nobody answers within decisionTimeoutMs is withdrawn and answered 403', async () => {
    const side = await ferry({ limits: { decisionTimeoutMs: 200 } })
    const prepared = prepareUpload(side.target, [{ fileName: 'a.txt', data: Buffer.from('x') }])
    const offer = await side.nextOffer()
    expect((await prepared).status).toBe(403)
    expect(offer.withdrawn.aborted).toBe(true)
    expect(side.server.sessionCount).toBe(0)
  })

  it('a sender that stops sending for idleTimeoutMs ends the session, and its partial goes', async () => {
    const side = await ferry({ limits: { idleTimeoutMs: 300 } })
    const dir = folder()
    const prepared = prepareUpload(side.target, [{ fileName: 'slow.bin', data: Buffer.alloc(10_000) }])
    const outcome = (await side.nextOffer()).respond({ accept: true, dir })
    outcome.catch(() => {})
    const answer = await prepared
    const { sessionId, files } = answer.json() as { sessionId: string, files: Record<string, string> }
    const stalled = call(side.target, 'POST', uploadPath(sessionId, answer.ids[0] as string, files[answer.ids[0] as string] as string), {
      contentLength: 10_000,
      body: (req) => { req.write(Buffer.alloc(100)) }
    }).then((r) => r.status, (err: unknown) => (err as NodeJS.ErrnoException).code)
    await expect(outcome).rejects.toBeInstanceOf(TimeoutError)
    expect([403, 'ECONNRESET', 'EPIPE']).toContain(await stalled)
    await expect.poll(() => listTree(dir)).toEqual([])
  })

  it('answers 409 to an upload over maxParallelUploads of one session', async () => {
    const side = await ferry({ limits: { maxParallelUploads: 1 } })
    const dir = folder()
    const files = [{ fileName: 'a.bin', data: Buffer.alloc(5000, 1) }, { fileName: 'b.bin', data: Buffer.alloc(5000, 2) }]
    const prepared = prepareUpload(side.target, files)
    const outcome = (await side.nextOffer()).respond({ accept: true, dir })
    const answer = await prepared
    const { sessionId, files: tokens } = answer.json() as { sessionId: string, files: Record<string, string> }
    const [a, b] = answer.ids as [string, string]
    let finish = (): void => {}
    const first = call(side.target, 'POST', uploadPath(sessionId, a, tokens[a] as string), {
      contentLength: 5000,
      body: (req) => { req.write(files[0]!.data.subarray(0, 100)); finish = () => { req.end(files[0]!.data.subarray(100)) } }
    })
    await expect.poll(() => listTree(dir).length).toBeGreaterThan(0)
    expect((await upload(side.target, sessionId, b, tokens[b] as string, files[1]!.data)).status).toBe(409)
    finish()
    expect((await first).status).toBe(200)
    expect((await upload(side.target, sessionId, b, tokens[b] as string, files[1]!.data)).status).toBe(200)
    expect((await outcome).files).toHaveLength(2)
  })

  it('remembers wrong PINs of at most maxPinTrackedAddresses addresses, however many try', async () => {
    // The total cap (pin-guessing-red-team.test.ts) is lifted here: this test is about the table of addresses.
    const side = await ferry({ pin: '123456', limits: { maxPinTrackedAddresses: 20, maxPinFailuresTotal: 1000 } })
    const file = [{ fileName: 'a.txt', data: Buffer.from('x') }]
    for (let i = 0; i < 120; i++) {
      const res = await prepareUpload(side.target, file, { pin: '000000', localAddress: `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}` })
      expect(res.status).toBe(401)
    }
    expect(side.server.pinTrackedAddresses).toBe(20)
  })

  it('a thousand sessions, finished or cancelled, leave no session, no partial and no memory behind', async () => {
    const dir = folder()
    const receiver = await startReceiverProcess({ dir, protocol: 'http' })
    cleanups.push(receiver.close)
    const target = { host: '127.0.0.1', port: receiver.port, protocol: 'http' as const }
    const one = async (i: number): Promise<void> => {
      const data = Buffer.alloc(4096, i & 0xff)
      const answer = await prepareUpload(target, [{ fileName: `s/${i}.bin`, data }])
      const { sessionId, files } = answer.json() as { sessionId: string, files: Record<string, string> }
      const id = answer.ids[0] as string
      if (i % 2 === 0) {
        expect((await upload(target, sessionId, id, files[id] as string, data)).status).toBe(200)
      } else {
        expect((await cancel(target, sessionId)).status).toBe(200)
      }
    }
    for (let i = 0; i < 50; i++) await one(i) // the receiver's working state
    const before = await receiver.stats()
    const deadline = Date.now() + 60_000
    for (let i = 50; i < 1050 && Date.now() < deadline; i++) await one(i)
    const after = await receiver.stats()
    expect(after.offers).toBe(1050)
    expect(after.sessions).toBe(0)
    expect(after.results).toEqual({ completed: 525, failed: 525 })
    expect(readdirSync(join(dir, 's'))).toHaveLength(525) // only the finished ones, no partial
    expect(after.rssMiB - before.rssMiB, `RSS ${before.rssMiB.toFixed(1)} -> ${after.rssMiB.toFixed(1)} MiB`).toBeLessThan(40)
    expect(existsSync(join(dir, 's', '51.bin'))).toBe(false)
  })
})
