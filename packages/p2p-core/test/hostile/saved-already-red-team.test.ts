// Red team, from the docs only: "A folder sent again ... does not send or save again the files the receiver already
// saved" (docs/guarantees.md) and "Saved already" (docs/protocol.md). Each case sends a folder, does something to the
// sender's or the receiver's copy, sends it again, and checks what is on disk and what was counted.

import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { link, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FerryNode, generateIdentity, type FerryLimits, type ReceiveResult } from '../../src/index.ts'

const LOOPBACK = { host: '127.0.0.1', port: 0 }

interface Pair {
  sender: FerryNode
  receiver: FerryNode
  src: string
  dst: string
  offers: number
  results: ReceiveResult[]
  errors: string[]
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function pair (limits: Partial<FerryLimits> = {}, sender?: FerryNode): Promise<Pair> {
  const root = await mkdtemp(join(tmpdir(), 'ferry-rt-saved-'))
  const src = join(root, 'src')
  const dst = join(root, 'dst')
  await mkdir(src)
  await mkdir(dst)
  const receiver = await FerryNode.create({ identity: await generateIdentity(), listen: LOOPBACK, limits })
  const from = sender ?? await FerryNode.create({ identity: await generateIdentity(), listen: LOOPBACK })
  const p: Pair = { sender: from, receiver, src, dst, offers: 0, results: [], errors: [] }
  receiver.on('offer', (offer) => {
    p.offers++
    offer.respond({ accept: true, dir: p.dst }).then((r) => p.results.push(r), (err: { code: string }) => p.errors.push(err.code))
  })
  cleanups.push(async () => {
    await receiver.close()
    if (sender === undefined) await from.close()
    await rm(root, { recursive: true, force: true })
  })
  return p
}

async function send (p: Pair, paths = [join(p.src, 'album')]): Promise<{ bytesSent: number, bytesResumed: number }> {
  return await p.sender.send({ address: { host: '127.0.0.1', port: p.receiver.address.port }, paths, reconnect: false })
}

/** Every file under `dir`, relative path -> sha256, partials included so a leftover shows. */
async function tree (dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const full = join(entry.parentPath, entry.name)
    out[relative(dir, full)] = createHash('sha256').update(await readFile(full)).digest('hex')
  }
  return out
}

async function writeAlbum (src: string, files: Record<string, Buffer>): Promise<void> {
  for (const [path, bytes] of Object.entries(files)) {
    await mkdir(join(src, 'album', path, '..'), { recursive: true })
    await writeFile(join(src, 'album', path), bytes)
  }
}

/** Other bytes of the same length, with the very same times (`touch -r`, to the nanosecond). */
async function rewriteKeepingTimes (file: string, bytes: Buffer): Promise<void> {
  const ref = `${file}.times`
  execFileSync('touch', ['-r', file, ref])
  await writeFile(file, bytes)
  execFileSync('touch', ['-r', ref, file])
  await rm(ref)
}

function album (): Record<string, Buffer> {
  return {
    'big.bin': randomBytes(3 * 1024 * 1024 + 7),
    'small.txt': Buffer.from('small file\n'),
    'empty.txt': Buffer.alloc(0),
    'deep/er/nested.bin': randomBytes(70_000),
    'deep/empty-too': Buffer.alloc(0)
  }
}

describe('red team: a folder sent again does not save again the files the receiver saved', () => {
  it('a second send of a whole folder, empty and nested files included, sends no byte and makes no "name (1)"', async () => {
    const p = await pair()
    await writeAlbum(p.src, album())
    await send(p)
    const first = await tree(p.dst)
    const again = await send(p)
    expect(await tree(p.dst)).toEqual(first)
    expect(again.bytesSent).toBe(0)
    expect(p.offers).toBe(2)
    expect(p.errors).toEqual([])
  })

  it('the receiver reports a skipped file as saved under the name it has, "(n)" included, with its bytes as resumed', async () => {
    const p = await pair()
    await writeAlbum(p.src, { 'f.txt': Buffer.from('sender'), 'g.bin': randomBytes(300_000) })
    await mkdir(join(p.dst, 'album'))
    await writeFile(join(p.dst, 'album', 'f.txt'), 'the user\'s own')
    await send(p)
    await send(p)
    for (let i = 0; i < 40 && p.results.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 50))
    const second = p.results[1]
    expect(second?.bytesReceived).toBe(0)
    expect(second?.bytesResumed).toBe(300_006)
    expect(second?.files.map((f) => [f.path, f.savedAs.slice(p.dst.length + 1), f.size]).sort()).toEqual([
      ['album/f.txt', 'album/f (1).txt', 6], ['album/g.bin', 'album/g.bin', 300_000]
    ])
    expect(await readFile(join(p.dst, 'album', 'f.txt'), 'utf8')).toBe('the user\'s own')
  })

  it('a third send is skipped too: counting a file as saved leaves it as it was saved', async () => {
    const p = await pair()
    await writeAlbum(p.src, album())
    await send(p)
    const first = await tree(p.dst)
    await send(p)
    const third = await send(p)
    expect(third.bytesSent).toBe(0)
    expect(await tree(p.dst)).toEqual(first)
  })

  it('a new receiver node (a restarted receiver) takes the files again as "name (1)", as documented', async () => {
    const p = await pair()
    await writeAlbum(p.src, { 'f.txt': Buffer.from('hello') })
    await send(p)
    const identity = await generateIdentity()
    await p.receiver.close()
    p.receiver = await FerryNode.create({ identity, listen: LOOPBACK })
    const restarted = p.receiver
    cleanups.push(async () => { await restarted.close() })
    restarted.on('offer', (offer) => { void offer.respond({ accept: true, dir: p.dst }).catch(() => {}) })
    const r = await send(p)
    expect(r.bytesSent).toBe(5)
    expect(Object.keys(await tree(p.dst)).sort()).toEqual(['album/f (1).txt', 'album/f.txt'])
  })

  it('a mismatch is not a lost connection: the sender does not come back with the offer', async () => {
    const p = await pair()
    await writeAlbum(p.src, { 'a.bin': randomBytes(400_000), 'b.txt': Buffer.from('bbbb') })
    await send(p)
    await rewriteKeepingTimes(join(p.src, 'album', 'a.bin'), randomBytes(400_000))
    await expect(p.sender.send({ address: { host: '127.0.0.1', port: p.receiver.address.port }, paths: [join(p.src, 'album')] }))
      .rejects.toMatchObject({ code: 'FERRY_ERR_SAVED_FILE_MISMATCH' })
    for (let i = 0; i < 100 && p.errors.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(p.offers).toBe(2)
    expect(p.errors).toEqual(['FERRY_ERR_SAVED_FILE_MISMATCH'])
  })

  for (const after of [0, 80]) {
    it(`a resend cancelled by the sender ${after} ms after the offer, while it hashes the saved files, leaves them saved, and the next send skips them`, async () => {
      const p = await pair()
      const files = { 'huge.bin': randomBytes(96 * 1024 * 1024), 'b.bin': randomBytes(400_000), 'c.txt': Buffer.from('c') }
      await writeAlbum(p.src, files)
      await send(p)
      const first = await tree(p.dst)
      const abort = new AbortController()
      p.receiver.once('offer', () => { setTimeout(() => { abort.abort() }, after) })
      const code = await p.sender.send({ address: { host: '127.0.0.1', port: p.receiver.address.port }, paths: [join(p.src, 'album')], signal: abort.signal, reconnect: false })
        .then(() => 'completed', (err: { code: string }) => err.code)
      for (let i = 0; i < 100 && p.errors.length + p.results.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 50))
      expect(['completed', 'FERRY_ERR_CANCELLED']).toContain(code)
      expect(await tree(p.dst)).toEqual(first)
      const again = await send(p)
      expect(again.bytesSent).toBe(0)
      expect(await tree(p.dst)).toEqual(first)
    }, 30_000)
  }

  it('after a mismatch on one file of a folder, the third send takes only that file again; the others stay skipped', async () => {
    const p = await pair()
    const files: Record<string, Buffer> = {}
    for (let i = 0; i < 5; i++) files[`f${i}.bin`] = randomBytes(300_000 + i)
    files['g.txt'] = Buffer.from('small')
    await writeAlbum(p.src, files)
    await send(p)
    const changed = randomBytes(300_002)
    await rewriteKeepingTimes(join(p.src, 'album', 'f2.bin'), changed)
    await expect(send(p)).rejects.toMatchObject({ code: 'FERRY_ERR_SAVED_FILE_MISMATCH' })
    const third = await send(p)
    expect(third.bytesSent).toBe(changed.length)
    const after = await tree(p.dst)
    expect(Object.keys(after).sort()).toEqual([...Object.keys(files).map((name) => `album/${name}`), 'album/f2 (1).bin'].sort())
    expect(after['album/f2 (1).bin']).toBe(createHash('sha256').update(changed).digest('hex'))
    expect(after['album/f2.bin']).toBe(createHash('sha256').update(files['f2.bin'] as Buffer).digest('hex'))
  })

  it('a saved empty file the user replaced by another empty file is not reported as the sender\'s', async () => {
    const p = await pair()
    await writeAlbum(p.src, { 'empty.txt': Buffer.alloc(0) })
    await send(p)
    await rm(join(p.dst, 'album', 'empty.txt'))
    await writeFile(join(p.dst, 'album', 'empty.txt'), '')
    await send(p)
    // The name is taken by a file the receiver did not save: the sender's copy lands beside it.
    expect(Object.keys(await tree(p.dst)).sort()).toEqual(['album/empty (1).txt', 'album/empty.txt'])
  })

  it('a sender file rewritten with the same size and mtime is refused, nothing is overwritten, and the third send takes it whole', async () => {
    const p = await pair()
    const original = randomBytes(200_000)
    await writeAlbum(p.src, { 'photo.jpg': original })
    await send(p)
    const changed = randomBytes(200_000)
    await rewriteKeepingTimes(join(p.src, 'album', 'photo.jpg'), changed)
    await expect(send(p)).rejects.toMatchObject({ code: 'FERRY_ERR_SAVED_FILE_MISMATCH' })
    expect(await readFile(join(p.dst, 'album', 'photo.jpg'))).toEqual(original)
    await send(p)
    expect(await readFile(join(p.dst, 'album', 'photo (1).jpg'))).toEqual(changed)
    expect(await readFile(join(p.dst, 'album', 'photo.jpg'))).toEqual(original)
  })

  it('a small sender file rewritten with the same size and mtime is refused too (gathered in a batch)', async () => {
    const p = await pair()
    await writeAlbum(p.src, { 'a.txt': Buffer.from('aaaa'), 'b.txt': Buffer.from('bbbb') })
    await send(p)
    await rewriteKeepingTimes(join(p.src, 'album', 'b.txt'), Buffer.from('BBBB'))
    await expect(send(p)).rejects.toMatchObject({ code: 'FERRY_ERR_SAVED_FILE_MISMATCH' })
    expect(await readFile(join(p.dst, 'album', 'b.txt'), 'utf8')).toBe('bbbb')
    expect(await readFile(join(p.dst, 'album', 'a.txt'), 'utf8')).toBe('aaaa')
  })

  it('a saved file the receiver\'s user edited (mtime put back) is neither overwritten nor taken for the sender\'s', async () => {
    const p = await pair()
    await writeAlbum(p.src, { 'notes.txt': Buffer.from('sender text') })
    await send(p)
    const saved = join(p.dst, 'album', 'notes.txt')
    await rewriteKeepingTimes(saved, Buffer.from('USER! text'))
    await send(p)
    expect(await readFile(saved, 'utf8')).toBe('USER! text')
    expect(await readFile(join(p.dst, 'album', 'notes (1).txt'), 'utf8')).toBe('sender text')
  })

  it('a saved file hard-linked elsewhere by the receiver\'s user is sent again, the user\'s file untouched', async () => {
    const p = await pair()
    await writeAlbum(p.src, { 'x.bin': randomBytes(50_000) })
    await send(p)
    await link(join(p.dst, 'album', 'x.bin'), join(p.dst, 'x-link.bin'))
    const first = await tree(p.dst)
    await send(p)
    const after = await tree(p.dst)
    expect(after['album/x.bin']).toBe(first['album/x.bin'])
    expect(after['album/x (1).bin']).toBe(first['album/x.bin'])
  })

  it('a saved file swapped for a symlink to a file of the same content is not taken for the saved file', async () => {
    const p = await pair()
    const bytes = randomBytes(50_000)
    await writeAlbum(p.src, { 'x.bin': bytes })
    await send(p)
    const saved = join(p.dst, 'album', 'x.bin')
    await rename(saved, join(p.dst, 'elsewhere.bin'))
    await symlink(join(p.dst, 'elsewhere.bin'), saved)
    await send(p)
    expect((await stat(join(p.dst, 'album', 'x (1).bin'))).size).toBe(bytes.length)
  })

  it('a saved file renamed away by the user is sent again under its name; the renamed one is left', async () => {
    const p = await pair()
    await writeAlbum(p.src, { 'x.bin': randomBytes(5000), 'y.bin': randomBytes(5000) })
    await send(p)
    const first = await tree(p.dst)
    await rename(join(p.dst, 'album', 'x.bin'), join(p.dst, 'album', 'kept.bin'))
    // y.bin replaced by x's saved file (another inode than y's record).
    await rename(join(p.dst, 'album', 'kept.bin'), join(p.dst, 'album', 'y.bin'))
    await send(p)
    const after = await tree(p.dst)
    expect(after['album/x.bin']).toBe(first['album/x.bin'])
    expect(after['album/y.bin']).toBe(first['album/x.bin'])
    expect(after['album/y (1).bin']).toBe(first['album/y.bin'])
  })

  it('two senders sending the same paths, sizes and mtimes: the second device\'s files are saved, not taken for the first\'s', async () => {
    const p = await pair()
    await writeAlbum(p.src, { 'same.txt': Buffer.from('device one') })
    await send(p)
    const other = await FerryNode.create({ identity: await generateIdentity(), listen: LOOPBACK })
    cleanups.push(async () => { await other.close() })
    const src2 = join(p.src, '..', 'src2')
    await writeAlbum(src2, { 'same.txt': Buffer.from('device two') })
    execFileSync('touch', ['-r', join(p.src, 'album', 'same.txt'), join(src2, 'album', 'same.txt')])
    const r = await other.send({ address: { host: '127.0.0.1', port: p.receiver.address.port }, paths: [join(src2, 'album')], reconnect: false })
    expect(r.bytesSent).toBe(10)
    expect(await readFile(join(p.dst, 'album', 'same (1).txt'), 'utf8')).toBe('device two')
    expect(await readFile(join(p.dst, 'album', 'same.txt'), 'utf8')).toBe('device one')
  })

  it('the same sender to another folder gets the files again there', async () => {
    const p = await pair()
    await writeAlbum(p.src, { 'f.txt': Buffer.from('hello') })
    await send(p)
    const dst1 = p.dst
    p.dst = join(p.dst, '..', 'dst2')
    await mkdir(p.dst)
    const r = await send(p)
    expect(r.bytesSent).toBe(5)
    expect(await readFile(join(p.dst, 'album', 'f.txt'), 'utf8')).toBe('hello')
    expect(await readFile(join(dst1, 'album', 'f.txt'), 'utf8')).toBe('hello')
  })

  it('past resumeWindowMs the record is gone: the file is saved again as "name (1)"', async () => {
    const p = await pair({ resumeWindowMs: 200 })
    await writeAlbum(p.src, { 'f.txt': Buffer.from('hello') })
    await send(p)
    await new Promise((resolve) => setTimeout(resolve, 400))
    const r = await send(p)
    expect(r.bytesSent).toBe(5)
    expect(Object.keys(await tree(p.dst)).sort()).toEqual(['album/f (1).txt', 'album/f.txt'])
  })

  it('beyond maxRecentSaves only the newest files are skipped; every file ends byte-equal', async () => {
    const p = await pair({ maxRecentSaves: 3 })
    const files: Record<string, Buffer> = {}
    for (let i = 0; i < 8; i++) files[`f${i}.txt`] = Buffer.from(`file number ${i}`)
    await writeAlbum(p.src, files)
    await send(p)
    await send(p)
    const after = await tree(p.dst)
    const copies = Object.keys(after).filter((name) => name.includes('(1)'))
    expect(copies.length).toBe(5)
    for (const [name, bytes] of Object.entries(files)) {
      expect(after[`album/${name}`]).toBe(createHash('sha256').update(bytes).digest('hex'))
    }
  })

  it('two sends of the same folder at once after a first save: both end, no "name (1)" for a saved file', async () => {
    const p = await pair()
    await writeAlbum(p.src, album())
    await send(p)
    const first = await tree(p.dst)
    const [a, b] = await Promise.allSettled([send(p), send(p)])
    expect(a.status).toBe('fulfilled')
    expect(b.status).toBe('fulfilled')
    expect(await tree(p.dst)).toEqual(first)
  })

  it('1,200 small files sent again: no byte sent, none saved twice', async () => {
    const p = await pair()
    const files: Record<string, Buffer> = {}
    for (let i = 0; i < 1200; i++) files[`d${i % 7}/n${i}.txt`] = Buffer.from(`n${i}`.repeat(i % 5))
    await writeAlbum(p.src, files)
    await send(p)
    const first = await tree(p.dst)
    const again = await send(p)
    expect(again.bytesSent).toBe(0)
    expect(await tree(p.dst)).toEqual(first)
  }, 60_000)
})
