// Issue 13: the receive path as an attacker meets it. Nothing is written outside the destination, however the
// folder was prepared on disk (symlinked folders, files where folders are needed, links at the names a partial
// file would take); nothing is committed once a transfer has ended (after an error frame, after a cancel, after a
// duplicate data stream), however the peer keeps sending. Frames are written by hand from docs/protocol.md.

import { lstat, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { blake3Hex } from '../../src/hash/blake3.ts'
import { PARTIAL_PREFIX, type FerryNode, type OfferDecision, type ReceiveResult } from '../../src/index.ts'
import { bytes, writeTree } from '../helpers/files.ts'
import { createFixture, type Fixture } from '../helpers/nodes.ts'
import { dataHeader, dataItem, fileDone, offerByHand, type HandFile, type RawSender } from './raw-sender.ts'

const KiB = 1024
const MiB = 1024 * KiB

let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

/** Answers the node's next offer with `decide`; settles as the transfer ends (never an unhandled rejection). */
function answerNext (node: FerryNode, decide: () => OfferDecision): Promise<ReceiveResult> {
  const outcome = new Promise<ReceiveResult>((resolve, reject) => {
    node.once('offer', (offer) => { offer.respond(decide()).then(resolve, reject) })
  })
  outcome.catch(() => {})
  return outcome
}

async function codeOf (promise: Promise<unknown>): Promise<string> {
  return await promise.then(() => 'resolved', (err: unknown) => String((err as { code?: unknown }).code))
}

/** The transfer ended with `code`, nothing at all is under `dest`, and the receiver verified no file. */
async function expectEndedWithNothing (received: Promise<unknown>, code: string, dest: string, hostile: RawSender): Promise<void> {
  expect(await codeOf(received)).toBe(code)
  expect(await everything(dest)).toEqual([])
  expect(hostile.replies.filter((f) => f.type === 'verified')).toEqual([])
}

/** Every entry under `dir`, hidden ones included, as relative paths. */
async function everything (dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true }).catch(() => [] as string[])).sort()
}

/**
 * Waits until the receiver has ended the control stream, then a while longer with the connection still open (the
 * receiver gives a peer up to 3 s to close after its last frame): the window a sender that keeps writing exploits.
 */
async function waitForEnd (hostile: RawSender): Promise<void> {
  await hostile.reply(() => false, 8_000).catch(() => {})
  await new Promise((resolve) => setTimeout(resolve, 1_500))
}

/** The partial name the receiver used before issue 13: derived from public facts only. */
function predictablePartial (senderPeerId: string, path: string, size: number, mtimeMs: number): string {
  const id = blake3Hex(new TextEncoder().encode(JSON.stringify([senderPeerId, path, size, mtimeMs])))
  return `${PARTIAL_PREFIX}${id.slice(0, 24)}.part`
}

describe('issue 13: nothing is written outside the destination', () => {
  it('a folder symlink inside the destination is never followed: a folder of that name is refused with FERRY_ERR_UNSAFE_PATH', async () => {
    const src = join(fx.dir, 'src', 'evil')
    await writeTree(src, { 'x.txt': 'payload', 'deep/y.txt': 'more' })
    const dest = join(fx.dir, 'dest')
    const elsewhere = join(fx.dir, 'elsewhere')
    await mkdir(dest, { recursive: true })
    await mkdir(elsewhere)
    await symlink(elsewhere, join(dest, 'evil'))
    const receiver = await fx.node()
    const sender = await fx.node()
    const received = answerNext(receiver, () => ({ accept: true, dir: dest }))
    const sent = sender.send({ address: receiver.address, paths: [src], reconnect: false })
    expect(await codeOf(sent)).toBe('FERRY_ERR_UNSAFE_PATH')
    expect(await codeOf(received)).toBe('FERRY_ERR_UNSAFE_PATH')
    expect(await everything(elsewhere)).toEqual([])
    expect((await lstat(join(dest, 'evil'))).isSymbolicLink()).toBe(true)
  })

  it('a symlinked folder deeper in the path is refused too, and nothing is created on the way to it', async () => {
    const src = join(fx.dir, 'src', 'album')
    await writeTree(src, { 'inner/photo.jpg': bytes(300 * KiB) })
    const dest = join(fx.dir, 'dest')
    const elsewhere = join(fx.dir, 'elsewhere')
    await mkdir(join(dest, 'album'), { recursive: true })
    await mkdir(elsewhere)
    await symlink(elsewhere, join(dest, 'album', 'inner'))
    const receiver = await fx.node()
    const sender = await fx.node()
    const received = answerNext(receiver, () => ({ accept: true, dir: dest }))
    expect(await codeOf(sender.send({ address: receiver.address, paths: [src], reconnect: false }))).toBe('FERRY_ERR_UNSAFE_PATH')
    expect(await codeOf(received)).toBe('FERRY_ERR_UNSAFE_PATH')
    expect(await everything(elsewhere)).toEqual([])
    expect(await everything(dest)).toEqual(['album', 'album/inner'])
  })

  it('a file where the offer needs a folder is refused with FERRY_ERR_UNSAFE_PATH and left as it was', async () => {
    const src = join(fx.dir, 'src', 'notes')
    await writeTree(src, { 'a.txt': 'alpha' })
    const dest = join(fx.dir, 'dest')
    await writeTree(dest, { notes: 'I am a file' })
    const receiver = await fx.node()
    const sender = await fx.node()
    const received = answerNext(receiver, () => ({ accept: true, dir: dest }))
    expect(await codeOf(sender.send({ address: receiver.address, paths: [src], reconnect: false }))).toBe('FERRY_ERR_UNSAFE_PATH')
    expect(await codeOf(received)).toBe('FERRY_ERR_UNSAFE_PATH')
    expect(await readFile(join(dest, 'notes'), 'utf8')).toBe('I am a file')
  })

  it('symlinks planted at the partial and sidecar names a file would have taken are never written through', async () => {
    const victim = join(fx.dir, 'victim.txt')
    const victimSidecar = join(fx.dir, 'victim.json')
    await writeFile(victim, 'precious')
    await writeFile(victimSidecar, 'also precious')
    const dest = join(fx.dir, 'dest')
    await mkdir(dest, { recursive: true })
    const receiver = await fx.node()
    const data = bytes(1 * MiB)
    const files: HandFile[] = [{ path: 'big.bin', data }]
    // The names as they were derivable from public facts (sender id, path, size, mtime); the sender's id is only
    // known once it dialled, so the attacker plants links for the id it will use by reusing one transport.
    const received = answerNext(receiver, () => ({ accept: true, dir: dest }))
    const hostile = await offerByHand(receiver.address, files, {
      beforeOffer: async (peerId) => {
        const partial = predictablePartial(peerId, 'big.bin', data.byteLength, 0)
        await symlink(victim, join(dest, partial))
        await symlink(victimSidecar, join(dest, partial.replace(/\.part$/, '.part.json')))
      }
    })
    try {
      expect(hostile.answer).toEqual([[0, 0]]) // the offset says nothing about the link's target
      const stream = await hostile.openData()
      await stream.write(Buffer.concat([dataHeader(hostile.transferId), dataItem(0, 0, data.byteLength), data]))
      await stream.finish()
      await hostile.send(fileDone(0, data))
      await hostile.reply((f) => f.type === 'verified', 10_000)
      expect((await received).status).toBe('completed')
    } finally {
      await hostile.close()
    }
    expect(await readFile(victim, 'utf8')).toBe('precious')
    expect(await readFile(victimSidecar, 'utf8')).toBe('also precious')
    const saved = await lstat(join(dest, 'big.bin'))
    expect(saved.isFile()).toBe(true)
    expect(saved.size).toBe(data.byteLength)
  })
})

describe('issue 13: nothing is committed once the transfer has ended', () => {
  const small = (): HandFile[] => [
    { path: 'a.bin', data: bytes(20 * KiB) },
    { path: 'b.bin', data: bytes(20 * KiB) },
    { path: 'c.bin', data: bytes(400 * KiB) }
  ]

  async function sendFile (hostile: RawSender, id: number, data: Uint8Array): Promise<void> {
    const stream = await hostile.openData()
    await stream.write(Buffer.concat([dataHeader(hostile.transferId), dataItem(id, 0, data.byteLength), data]))
    await stream.finish()
  }

  /** Starts a file on its own stream, all but its last byte; the returned function sends that byte and ends. */
  async function startFile (hostile: RawSender, id: number, data: Uint8Array): Promise<() => Promise<void>> {
    const stream = await hostile.openData()
    await stream.write(Buffer.concat([dataHeader(hostile.transferId), dataItem(id, 0, data.byteLength), data.subarray(0, -1)]))
    return async () => {
      await stream.write(data.subarray(-1))
      await stream.finish()
    }
  }

  it('after the receiver sent an error frame, files the sender keeps sending never appear', async () => {
    const receiver = await fx.node()
    const dest = join(fx.dir, 'dest')
    const received = answerNext(receiver, () => ({ accept: true, dir: dest }))
    const files = small()
    const [a, b, c] = files.map((f) => f.data) as [Uint8Array, Uint8Array, Uint8Array]
    const hostile = await offerByHand(receiver.address, files)
    try {
      // b and c are under way, their hashes announced, only their last byte missing when the transfer fails.
      const endB = await startFile(hostile, 1, b)
      const endC = await startFile(hostile, 2, c)
      await hostile.send(fileDone(1, b))
      await hostile.send(fileDone(2, c))
      await sendFile(hostile, 0, a)
      await hostile.send({ type: 'file-done', id: 0, blake3: '0'.repeat(64) })
      const error = await hostile.reply((f) => f.type === 'error', 10_000)
      expect(error.code).toBe('FERRY_ERR_HASH_MISMATCH')
      // It keeps going as if nothing happened.
      await endB().catch(() => {})
      await endC().catch(() => {})
      await waitForEnd(hostile)
    } finally {
      await hostile.close()
    }
    await expectEndedWithNothing(received, 'FERRY_ERR_HASH_MISMATCH', dest, hostile)
  })

  it('a file this device declined (a partial accept), sent anyway, fails the transfer with FERRY_ERR_BAD_FRAME and never appears', async () => {
    const receiver = await fx.node()
    const dest = join(fx.dir, 'dest')
    const received = answerNext(receiver, () => ({ accept: true, dir: dest, files: [0] }))
    const files = small()
    const [a, b] = files.map((f) => f.data) as [Uint8Array, Uint8Array]
    const hostile = await offerByHand(receiver.address, files)
    try {
      expect(hostile.answer).toEqual([[0, 0]])
      await sendFile(hostile, 1, b)
      await hostile.send(fileDone(1, b))
      const error = await hostile.reply((f) => f.type === 'error', 10_000)
      expect(error.code).toBe('FERRY_ERR_BAD_FRAME')
      // The accepted file, sent after the error, is not taken either.
      await sendFile(hostile, 0, a).catch(() => {})
      await hostile.send(fileDone(0, a)).catch(() => {})
      await waitForEnd(hostile)
    } finally {
      await hostile.close()
    }
    await expectEndedWithNothing(received, 'FERRY_ERR_BAD_FRAME', dest, hostile)
  })

  it('after a cancel on this device, files the sender keeps sending never appear', async () => {
    const receiver = await fx.node()
    const dest = join(fx.dir, 'dest')
    const cancel = new AbortController()
    const received = answerNext(receiver, () => ({ accept: true, dir: dest, signal: cancel.signal }))
    const files = small()
    const hostile = await offerByHand(receiver.address, files)
    try {
      const ends = await Promise.all(files.map(async ({ data }, id) => await startFile(hostile, id, data)))
      for (const [id, { data }] of files.entries()) await hostile.send(fileDone(id, data))
      cancel.abort()
      // Right after the cancel, the last bytes arrive.
      await Promise.all(ends.map(async (end) => { await end().catch(() => {}) }))
      await waitForEnd(hostile)
    } finally {
      await hostile.close()
    }
    await expectEndedWithNothing(received, 'FERRY_ERR_CANCELLED', dest, hostile)
  })

  it('a second data stream for the same file fails the transfer with FERRY_ERR_BAD_FRAME and commits nothing of that file', async () => {
    const receiver = await fx.node()
    const dest = join(fx.dir, 'dest')
    const received = answerNext(receiver, () => ({ accept: true, dir: dest }))
    const data = bytes(600 * KiB)
    const hostile = await offerByHand(receiver.address, [{ path: 'twice.bin', data }])
    try {
      const first = await hostile.openData()
      await first.write(Buffer.concat([dataHeader(hostile.transferId), dataItem(0, 0, data.byteLength), data.subarray(0, 100 * KiB)]))
      // The receiver stops reading this one as soon as it sees which file it names.
      const second = await hostile.openData()
      await second.write(Buffer.concat([dataHeader(hostile.transferId), dataItem(0, 0, data.byteLength), data])).catch(() => {})
      await second.finish().catch(() => {})
      await first.write(data.subarray(100 * KiB)).catch(() => {})
      await first.finish().catch(() => {})
      await hostile.send(fileDone(0, data)).catch(() => {})
      await waitForEnd(hostile)
    } finally {
      await hostile.close()
    }
    await expectEndedWithNothing(received, 'FERRY_ERR_BAD_FRAME', dest, hostile)
  })

  it('a data stream opened before the offer is answered fails the transfer, and nothing is written', async () => {
    const receiver = await fx.node()
    const dest = join(fx.dir, 'dest')
    const data = bytes(64 * KiB)
    let offered!: () => void
    const offerSeen = new Promise<void>((resolve) => { offered = resolve })
    const ended = new Promise<string | undefined>((resolve) => { receiver.once('transfer-end', (event) => { resolve(event.error?.code) }) })
    receiver.once('offer', (offer) => {
      offered()
      // The user takes a while to decide.
      setTimeout(() => { offer.respond({ accept: true, dir: dest }).catch(() => {}) }, 1_000)
    })
    const hostile = offerByHand(receiver.address, [{ path: 'early.bin', data }], {
      beforeAnswer: async (openData, transferId) => {
        await offerSeen
        const stream = await openData()
        await stream.write(Buffer.concat([dataHeader(transferId), dataItem(0, 0, data.byteLength), data]))
        await stream.finish()
      }
    })
    expect(await hostile.then(() => 'answered', (err: Error) => err.message)).toMatch(/FERRY_ERR_BAD_FRAME/)
    expect(await ended).toBe('FERRY_ERR_BAD_FRAME')
    expect(await everything(dest)).toEqual([])
  })
})
