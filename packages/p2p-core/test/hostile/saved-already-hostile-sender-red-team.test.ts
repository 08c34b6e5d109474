// Red team, from the docs only: "Saved already" (docs/protocol.md) answers a file the receiver saved with
// offset = size and expects a zero-length item and the recorded BLAKE3. A sender written by hand, holding the very
// device key that sent the file, then breaks that rule: bytes from 0, bytes past the end, no item at all.
// Whatever it does, the saved file must stay as it is and nothing it sends may show as a file under that name.

import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { blake3Hex } from '../../src/hash/blake3.ts'
import { FerryNode, PROTOCOL_ID, createQuicTransport, generateIdentity, type FerryStream, type Identity } from '../../src/index.ts'
import { frame, frames } from './raw-sender.ts'

const LOOPBACK = { host: '127.0.0.1', port: 0 }
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Setup {
  receiver: FerryNode
  identity: Identity
  dst: string
  saved: Buffer
  mtimeMs: number
  ended: string[]
}

/** A real sender saves album/x.bin (`size` bytes) on a real receiver; the hostile one then uses the same key. */
async function setup (size: number): Promise<Setup> {
  const identity = await generateIdentity()
  const receiver = await FerryNode.create({ identity: await generateIdentity(), listen: LOOPBACK })
  const honest = await FerryNode.create({ identity, listen: LOOPBACK })
  const root = await mkdtemp(join(tmpdir(), 'ferry-rt-hostile-saved-'))
  const dst = join(root, 'dst')
  const ended: string[] = []
  receiver.on('offer', (offer) => {
    offer.respond({ accept: true, dir: dst }).then(() => ended.push('completed'), (err: { code: string }) => ended.push(err.code))
  })
  cleanups.push(async () => {
    await receiver.close()
    await rm(root, { recursive: true, force: true })
  })
  const saved = randomBytes(size)
  await mkdir(join(root, 'src', 'album'), { recursive: true })
  await writeFile(join(root, 'src', 'album', 'x.bin'), saved)
  await honest.send({ address: { host: '127.0.0.1', port: receiver.address.port }, paths: [join(root, 'src', 'album')] })
  await honest.close()
  ended.length = 0
  const mtimeMs = Math.floor((await stat(join(root, 'src', 'album', 'x.bin'))).mtimeMs)
  return { receiver, identity, dst, saved, mtimeMs, ended }
}

/** Offers album/x.bin again as the same device; returns the answer's [id, offset] pairs and the open streams. */
async function offerAgain (s: Setup): Promise<{ answer: Record<string, unknown> | null, control: FerryStream, next: () => Promise<Record<string, unknown> | null>, openData: () => Promise<FerryStream> }> {
  const transport = await createQuicTransport({ identity: s.identity })
  cleanups.push(async () => { await transport.close() })
  const connection = await transport.dial({ host: '127.0.0.1', port: s.receiver.address.port })
  const control = await connection.openStream()
  const transferId = 'hostileResend01'
  await control.write(frame({ type: 'hello', protocol: PROTOCOL_ID, transferId }))
  await control.write(frame({ type: 'offer', fileCount: 1, totalBytes: s.saved.length }))
  await control.write(frame({ type: 'offer-files', files: [{ id: 0, path: 'album/x.bin', size: s.saved.length, mtimeMs: s.mtimeMs }] }))
  const next = frames(control)
  const answer = await next()
  const openData = async (): Promise<FerryStream> => {
    const data = await connection.openStream()
    await data.write(frame({ type: 'data', transferId }))
    return data
  }
  return { answer, control, next, openData }
}

async function untilEnded (s: Setup): Promise<void> {
  for (let i = 0; i < 100 && s.ended.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50))
}

async function visible (s: Setup): Promise<string[]> {
  return (await readdir(join(s.dst, 'album'))).sort()
}

for (const size of [100, 400 * 1024]) {
  describe(`red team: a hostile sender breaking "saved already" (${size} bytes)`, () => {
    it('is answered offset = size for the file it saved', async () => {
      const s = await setup(size)
      const { answer } = await offerAgain(s)
      expect(answer).toMatchObject({ type: 'answer', accepted: true, files: [[0, size]] })
    })

    it('sending other bytes from offset 0 with their hash changes nothing on disk', async () => {
      const s = await setup(size)
      const { control, openData } = await offerAgain(s)
      const evil = randomBytes(size)
      const data = await openData()
      await data.write(frame({ id: 0, offset: 0, length: size }))
      await data.write(evil)
      await data.finish().catch(() => {})
      await control.write(frame({ type: 'file-done', id: 0, blake3: blake3Hex(evil) })).catch(() => {})
      await untilEnded(s)
      expect(s.ended).not.toEqual(['completed'])
      expect(await readFile(join(s.dst, 'album', 'x.bin'))).toEqual(s.saved)
      expect(await visible(s)).toEqual(['x.bin'])
    })

    it('sending bytes past the end of the file is refused, the saved file untouched', async () => {
      const s = await setup(size)
      const { control, openData } = await offerAgain(s)
      const data = await openData()
      await data.write(frame({ id: 0, offset: size, length: 16 }))
      await data.write(randomBytes(16))
      await data.finish().catch(() => {})
      await control.write(frame({ type: 'file-done', id: 0, blake3: blake3Hex(s.saved) })).catch(() => {})
      await untilEnded(s)
      expect(s.ended).not.toEqual(['completed'])
      expect(await readFile(join(s.dst, 'album', 'x.bin'))).toEqual(s.saved)
      expect(await visible(s)).toEqual(['x.bin'])
    })

    it('the zero-length item with another hash is FERRY_ERR_SAVED_FILE_MISMATCH and the file stays', async () => {
      const s = await setup(size)
      const { control, openData, next } = await offerAgain(s)
      const data = await openData()
      await data.write(frame({ id: 0, offset: size, length: 0 }))
      await data.finish()
      await control.write(frame({ type: 'file-done', id: 0, blake3: blake3Hex(randomBytes(8)) }))
      expect(await next()).toMatchObject({ type: 'error', code: 'FERRY_ERR_SAVED_FILE_MISMATCH' })
      await untilEnded(s)
      expect(s.ended).toEqual(['FERRY_ERR_SAVED_FILE_MISMATCH'])
      expect(await readFile(join(s.dst, 'album', 'x.bin'))).toEqual(s.saved)
    })
  })
}
