import { readFile, readdir, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  SavedFileMismatchError, defaultLimits, type FerryNode, type IncomingOffer, type OfferDecision, type ReceiveResult, type SendResult
} from '../../src/index.ts'
import { bytes, treeDigest, writeTree } from '../helpers/files.ts'
import { createFixture, type Fixture } from '../helpers/nodes.ts'

// The same files sent again by the same device, in a new transfer (a sender killed mid-folder and started again),
// are not sent or saved again when this device saved them recently and they are still the very files it saved
// (receive/recent-saves.ts). Any doubt, and they are sent and saved as before.

let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

const KiB = 1024
const { blockingFileBytes, smallFileBytes } = defaultLimits

/** Sizes on each side of the sender's ways of sending: gathered small files, batched, a stream of its own. */
const ALBUM: Record<string, number> = {
  'album/empty.txt': 0,
  'album/note.txt': 4 * KiB,
  'album/mid.bin': blockingFileBytes + 1,
  'album/edge.bin': smallFileBytes,
  'album/large.bin': smallFileBytes + 1,
  'album/big.bin': 3 * 1024 * KiB
}

async function writeAlbum (extra: Record<string, Uint8Array> = {}): Promise<void> {
  const files: Record<string, Uint8Array> = { ...extra }
  for (const [path, size] of Object.entries(ALBUM)) files[path] = bytes(size)
  await writeTree(join(fx.dir, 'src'), files)
}

/** Each offer `node` gets is accepted into `dir`; the outcomes in order. */
function acceptAll (node: FerryNode, decide: (offer: IncomingOffer) => OfferDecision): Array<Promise<ReceiveResult>> {
  const outcomes: Array<Promise<ReceiveResult>> = []
  node.on('offer', (offer: IncomingOffer) => {
    const outcome = offer.respond(decide(offer))
    outcome.catch(() => {})
    outcomes.push(outcome)
  })
  return outcomes
}

async function send (from: FerryNode, to: FerryNode, path: string): Promise<SendResult> {
  return await from.send({ address: to.address, peerId: to.peerId, paths: [join(fx.dir, 'src', path)], reconnect: false })
}

async function visible (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((e) => !e.isDirectory() && !e.name.startsWith('.')).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort()
}

async function hidden (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.name.startsWith('.ferry-')).map((e) => e.name)
}

describe('the same files sent again in a new transfer by the same device', () => {
  it('are not sent or saved again: counted as resumed, under the names they have, large and small alike', async () => {
    const small: Record<string, Uint8Array> = {}
    // More small files than one batch takes (batchMaxFiles): a folder of photos.
    for (let i = 0; i < defaultLimits.batchMaxFiles + 44; i++) small[`album/photos/p${i}.jpg`] = bytes(1 + (i % 7) * 300)
    await writeAlbum(small)
    const a = await fx.node()
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    const outcomes = acceptAll(b, () => ({ accept: true, dir: dest }))
    const total = Object.values(ALBUM).reduce((n, size) => n + size, 0) + Object.values(small).reduce((n, f) => n + f.byteLength, 0)

    const first = await send(a, b, 'album')
    expect(first.bytesSent).toBe(total)
    const inodes = await Promise.all(Object.keys(ALBUM).map(async (path) => (await stat(join(dest, path))).ino))

    const second = await send(a, b, 'album')
    expect(second.bytesSent).toBe(0)
    expect(second.bytesResumed).toBe(total)
    expect(second.files).toBe(first.files)
    const result = await outcomes[1] as ReceiveResult
    expect(result.bytesReceived).toBe(0)
    expect(result.bytesResumed).toBe(total)
    expect(result.files).toHaveLength(first.files)
    for (const file of result.files) expect(file.savedAs).toBe(join(dest, file.path))
    expect(await visible(join(dest, 'album'))).toEqual((await visible(join(fx.dir, 'src', 'album'))))
    expect(await treeDigest(join(dest, 'album'))).toEqual(await treeDigest(join(fx.dir, 'src', 'album')))
    // Nothing was written: the very files the first transfer saved, and no partial left.
    expect(await Promise.all(Object.keys(ALBUM).map(async (path) => (await stat(join(dest, path))).ino))).toEqual(inodes)
    expect(await hidden(dest)).toEqual([])
  })

  it('fails with FERRY_ERR_SAVED_FILE_MISMATCH when the file sent has other content with the same size and mtime, overwrites nothing, and the next send transfers it whole', async () => {
    await writeTree(join(fx.dir, 'src'), { 'report.bin': bytes(600 * KiB), 'notes.txt': 'the same notes' })
    const source = join(fx.dir, 'src', 'report.bin')
    // A whole second: put back exactly after the rewrite (utimes takes seconds; a fraction may not survive).
    const mtime = Math.floor(Date.now() / 1000) - 60
    await utimes(source, mtime, mtime)
    const a = await fx.node()
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    const outcomes = acceptAll(b, () => ({ accept: true, dir: dest }))
    await send(a, b, '.')
    const saved = await readFile(join(dest, 'src', 'report.bin'))

    // Rewritten with other bytes of the same length, its mtime put back (`touch -r`).
    const other = bytes(600 * KiB)
    await writeFile(source, other)
    await utimes(source, mtime, mtime)

    const failed = send(a, b, '.')
    await expect(failed).rejects.toBeInstanceOf(SavedFileMismatchError)
    await expect(failed).rejects.toMatchObject({ code: 'FERRY_ERR_SAVED_FILE_MISMATCH' })
    await expect(outcomes[1]).rejects.toMatchObject({ code: 'FERRY_ERR_SAVED_FILE_MISMATCH' })
    expect(await readFile(join(dest, 'src', 'report.bin'))).toEqual(saved)
    expect(await visible(dest)).toEqual(['src/notes.txt', 'src/report.bin'])

    const third = await send(a, b, '.')
    expect(third.bytesSent).toBe(other.byteLength)
    const result = await outcomes[2] as ReceiveResult
    expect(result.files.find((f) => f.path === 'src/report.bin')?.savedAs).toBe(join(dest, 'src', 'report (1).bin'))
    expect(await readFile(join(dest, 'src', 'report (1).bin'))).toEqual(Buffer.from(other))
    expect(await readFile(join(dest, 'src', 'report.bin'))).toEqual(saved)
    expect(await visible(dest)).toEqual(['src/notes.txt', 'src/report (1).bin', 'src/report.bin'])
  })

  it('sends again a saved file that was changed, replaced by a link, or removed here in between', async () => {
    await writeAlbum()
    const a = await fx.node()
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    const outcomes = acceptAll(b, () => ({ accept: true, dir: dest }))
    await send(a, b, 'album')

    await writeFile(join(dest, 'album/note.txt'), 'the user wrote here')
    await rm(join(dest, 'album/big.bin'))
    // A link to a file with the very same bytes, in place of the saved file.
    await rm(join(dest, 'album/large.bin'))
    await symlink(join(fx.dir, 'src', 'album', 'large.bin'), join(dest, 'album/large.bin'))

    const second = await send(a, b, 'album')
    const again = ['album/note.txt', 'album/big.bin', 'album/large.bin']
    const againBytes = again.reduce((n, path) => n + (ALBUM[path] as number), 0)
    expect(second.bytesSent).toBe(againBytes)
    const result = await outcomes[1] as ReceiveResult
    const savedAs = Object.fromEntries(result.files.map((f) => [f.path, f.savedAs.slice(dest.length + 1)]))
    expect(savedAs).toEqual({
      'album/empty.txt': 'album/empty.txt',
      'album/note.txt': 'album/note (1).txt',
      'album/mid.bin': 'album/mid.bin',
      'album/edge.bin': 'album/edge.bin',
      'album/large.bin': 'album/large (1).bin',
      'album/big.bin': 'album/big.bin'
    })
    expect(await readFile(join(dest, 'album/note.txt'), 'utf8')).toBe('the user wrote here')
    for (const [path, as] of Object.entries(savedAs)) expect(await readFile(join(dest, as))).toEqual(await readFile(join(fx.dir, 'src', path)))
  })

  it('sends again what another device saved with the same path, size and mtime, and what goes to another folder', async () => {
    await writeTree(join(fx.dir, 'src'), { 'clip.bin': bytes(700 * KiB), 'tiny.txt': 'tiny' })
    const a = await fx.node()
    const c = await fx.node()
    const b = await fx.node()
    let dir = join(fx.dir, 'dest')
    const outcomes = acceptAll(b, () => ({ accept: true, dir }))
    await send(a, b, '.')
    const total = 700 * KiB + 4

    // Another device offering the very same files (same path, size, mtime): it is not the one that sent them.
    const fromC = await send(c, b, '.')
    expect(fromC.bytesSent).toBe(total)
    expect((await outcomes[1] as ReceiveResult).files.map((f) => f.savedAs.slice(dir.length + 1)).sort()).toEqual(['src/clip (1).bin', 'src/tiny (1).txt'])

    // The same device, to another folder.
    dir = join(fx.dir, 'elsewhere')
    const elsewhere = await send(a, b, '.')
    expect(elsewhere.bytesSent).toBe(total)
    expect(await visible(dir)).toEqual(['src/clip.bin', 'src/tiny.txt'])
  })

  it('remembers at most maxRecentSaves files: a sender of many files cannot grow it, and only the latest ones are skipped', async () => {
    const files: Record<string, Uint8Array> = {}
    for (let i = 0; i < 40; i++) files[`many/f${String(i).padStart(2, '0')}.txt`] = bytes(100)
    await writeTree(join(fx.dir, 'src'), files)
    const a = await fx.node({ limits: { filesInFlight: 1 } })
    const b = await fx.node({ limits: { maxRecentSaves: 8 } })
    const dest = join(fx.dir, 'dest')
    const outcomes = acceptAll(b, () => ({ accept: true, dir: dest }))
    await send(a, b, 'many')
    const second = await send(a, b, 'many')
    // One batch, saved in order: the last 8 are remembered, the 32 before them sent again.
    expect(second.bytesResumed).toBe(8 * 100)
    expect(second.bytesSent).toBe(32 * 100)
    const result = await outcomes[1] as ReceiveResult
    expect(result.files.filter((f) => f.savedAs.endsWith(' (1).txt'))).toHaveLength(32)
  })
})
