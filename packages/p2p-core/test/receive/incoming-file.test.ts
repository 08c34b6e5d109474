// Issue 13: IncomingFile and the destination boundary against a disk prepared by an attacker who knows everything,
// even the receiver's secret for partial names: links at the exact partial and sidecar names, a folder swapped for a
// link between plan and write, a partial whose sidecar names another file. Nothing is ever written through a link,
// and nothing outside the destination changes.

import { execFileSync } from 'node:child_process'
import { lstat, mkdir, mkdtemp, readFile, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ANCHORED_PATHS, Destination, IncomingFile, PartialClaims, PartialNames, sidecarOf } from '../../src/index.ts'

let dir: string
let dest: string
let outside: string
let destination: Destination
const names = new PartialNames(Buffer.alloc(32, 7))
const from = '12D3KooWSender'

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-incoming-'))
  dest = join(dir, 'dest')
  outside = join(dir, 'outside')
  await mkdir(dest)
  await mkdir(outside)
  await writeFile(join(outside, 'victim'), 'precious')
  destination = Destination.open(dest)
})
afterEach(async () => {
  destination.close()
  await rm(dir, { recursive: true, force: true })
})

const partialOf = (path: string, size: number, mtimeMs = 1000): string => names.forKey(JSON.stringify([from, path, size, mtimeMs]))

function plan (path: string, size: number, resumable = true, claims = new PartialClaims()): IncomingFile {
  return IncomingFile.plan({ destination, names, claims, path, size, ...(resumable ? { resume: { from, mtimeMs: 1000 } } : {}) })
}

async function receive (file: IncomingFile, data: Uint8Array): Promise<string | undefined> {
  file.open()
  await file.write(data.subarray(file.offset), file.offset)
  file.close()
  return file.commit(() => true)
}

describe('IncomingFile behind the destination boundary (issue 13)', () => {
  it('replaces a link planted at a new file\'s exact partial and sidecar names, and writes nothing through them', async () => {
    const partial = partialOf('a.bin', 5)
    await symlink(join(outside, 'victim'), join(dest, partial))
    await symlink(join(outside, 'victim'), join(dest, sidecarOf(partial)))
    const file = plan('a.bin', 5)
    expect(file.offset).toBe(0) // a link is not a partial to resume, and its target's size is not told
    expect(await receive(file, Buffer.from('hello'))).toBe(join(destination.root, 'a.bin'))
    expect(await readFile(join(outside, 'victim'), 'utf8')).toBe('precious')
    expect(await readFile(join(dest, 'a.bin'), 'utf8')).toBe('hello')
    expect((await lstat(join(dest, 'a.bin'))).isFile()).toBe(true)
    expect(await readdir(dest)).toEqual(['a.bin'])
  })

  it('resumes a partial only when its sidecar names the same file', async () => {
    const partial = partialOf('big.bin', 10)
    await writeFile(join(dest, partial), 'hello')
    await writeFile(join(dest, sidecarOf(partial)), JSON.stringify({ path: 'big.bin', size: 10, mtimeMs: 1000, from }))
    expect(plan('big.bin', 10).offset).toBe(5)
    await writeFile(join(dest, sidecarOf(partial)), JSON.stringify({ path: 'other.bin', size: 10, mtimeMs: 1000, from }))
    expect(plan('big.bin', 10).offset).toBe(0)
    await rm(join(dest, sidecarOf(partial)))
    await symlink(join(outside, 'victim'), join(dest, sidecarOf(partial)))
    expect(plan('big.bin', 10).offset).toBe(0)
  })

  it('resumes from what the partial holds and saves the whole file', async () => {
    const partial = partialOf('big.bin', 10)
    await writeFile(join(dest, partial), 'hello')
    await writeFile(join(dest, sidecarOf(partial)), JSON.stringify({ path: 'big.bin', size: 10, mtimeMs: 1000, from }))
    const file = plan('big.bin', 10)
    expect(await receive(file, Buffer.from('helloworld'))).toBe(join(destination.root, 'big.bin'))
    expect(await readFile(join(dest, 'big.bin'), 'utf8')).toBe('helloworld')
    expect(await readdir(dest)).toEqual(['big.bin'])
  })

  it('never lets two transfers of one process share a partial: the second starts afresh', async () => {
    const claims = new PartialClaims()
    const partial = partialOf('big.bin', 10)
    await writeFile(join(dest, partial), 'hello')
    await writeFile(join(dest, sidecarOf(partial)), JSON.stringify({ path: 'big.bin', size: 10, mtimeMs: 1000, from }))
    const first = plan('big.bin', 10, true, claims)
    const second = plan('big.bin', 10, true, claims)
    expect([first.offset, second.offset]).toEqual([5, 0])
    expect(await receive(second, Buffer.from('helloworld'))).toBe(join(destination.root, 'big.bin'))
    expect(await receive(first, Buffer.from('helloworld'))).toBe(join(destination.root, 'big (1).bin'))
  })

  it('refuses a folder on the way that is a link, or a file, creating nothing', async () => {
    await symlink(outside, join(dest, 'linked'))
    await writeFile(join(dest, 'plain'), 'a file')
    expect(() => plan('linked/x.txt', 1)).toThrow(expect.objectContaining({ code: 'FERRY_ERR_UNSAFE_PATH' }))
    expect(() => plan('plain/x.txt', 1)).toThrow(expect.objectContaining({ code: 'FERRY_ERR_UNSAFE_PATH' }))
    expect(await readdir(outside)).toEqual(['victim'])
    expect((await readdir(dest)).sort()).toEqual(['linked', 'plain'])
  })

  it.skipIf(!ANCHORED_PATHS)('keeps writing inside the destination when a folder is swapped for a link after it was opened (Linux)', async () => {
    const file = plan('album/photo.jpg', 5, false)
    file.open()
    // The attacker moves the folder away and puts a link to the outside in its place.
    await rename(join(dest, 'album'), join(dest, 'album.moved'))
    await symlink(outside, join(dest, 'album'))
    await file.write(Buffer.from('bytes'), 0)
    file.close()
    const saved = file.commit(() => true)
    expect(await readdir(outside)).toEqual(['victim'])
    expect(await readFile(join(dest, 'album.moved', 'photo.jpg'), 'utf8')).toBe('bytes')
    expect(saved).toBe(join(destination.root, 'album', 'photo.jpg'))
  })

  it('commits nothing once the transfer no longer wants the file, and discard leaves no trace', async () => {
    const file = plan('deep/er/a.bin', 3, false)
    file.open()
    await file.write(Buffer.from('abc'), 0)
    file.close()
    expect(file.commit(() => false)).toBeUndefined()
    file.discard()
    destination.removeEmptyFolders()
    expect(await readdir(dest)).toEqual([])
  })

  it('never takes a taken name: "name (1).ext" instead, and a link at the name is left alone', async () => {
    await symlink(join(outside, 'victim'), join(dest, 'a.txt'))
    const file = plan('a.txt', 2, false)
    expect(await receive(file, Buffer.from('hi'))).toBe(join(destination.root, 'a (1).txt'))
    expect(await readFile(join(outside, 'victim'), 'utf8')).toBe('precious')
    expect((await lstat(join(dest, 'a.txt'))).isSymbolicLink()).toBe(true)
  })

  it('does not wait on a fifo planted at a partial\'s or sidecar\'s name: no resume, and the file is saved (issue 13)', async () => {
    const partial = partialOf('big.bin', 10)
    execFileSync('mkfifo', [join(dest, sidecarOf(partial))])
    await writeFile(join(dest, partial), 'hello')
    const withFifoSidecar = plan('big.bin', 10)
    expect(withFifoSidecar.offset).toBe(0)
    expect(await receive(withFifoSidecar, Buffer.from('helloworld'))).toBe(join(destination.root, 'big.bin'))
    const other = partialOf('other.bin', 10)
    execFileSync('mkfifo', [join(dest, other)])
    const withFifoPartial = plan('other.bin', 10)
    expect(withFifoPartial.offset).toBe(0)
    expect(await receive(withFifoPartial, Buffer.from('0123456789'))).toBe(join(destination.root, 'other.bin'))
  })

  it('shortens a long taken name to fit "name (1).ext" in 255 bytes, never failing for ever (issue 13)', async () => {
    const name = `${'n'.repeat(250)}.txt`
    await writeFile(join(dest, name), 'taken')
    const file = plan(name, 2, false)
    const saved = await receive(file, Buffer.from('hi'))
    expect(saved).toBe(join(destination.root, `${'n'.repeat(247)} (1).txt`))
    expect(Buffer.byteLength(`${'n'.repeat(247)} (1).txt`)).toBe(255)
    expect(await readFile(join(dest, name), 'utf8')).toBe('taken')
  })
})
