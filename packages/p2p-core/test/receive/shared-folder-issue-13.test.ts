// Issue 13 (red team, second round): a folder one transfer made and removed again, once empty, must never break
// another transfer that planned a file into it.

import { mkdir, mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Destination, IncomingFile, PartialClaims, PartialNames } from '../../src/index.ts'

let dir: string
let dest: string
let outside: string
const opened: Destination[] = []
const names = new PartialNames(Buffer.alloc(32, 9))
const from = '12D3KooWSender'

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-leftovers-'))
  dest = join(dir, 'dest')
  outside = join(dir, 'outside')
  await mkdir(dest)
  await mkdir(outside)
})
afterEach(async () => {
  for (const destination of opened.splice(0)) destination.close()
  await rm(dir, { recursive: true, force: true })
})

/** One transfer's view of the destination, as the receiver opens one per transfer. */
function transfer (): Destination {
  const destination = Destination.open(dest)
  opened.push(destination)
  return destination
}

function plan (destination: Destination, path: string, size: number, resume?: { mtimeMs: number }, claims = new PartialClaims()): IncomingFile {
  return IncomingFile.plan({ destination, names, claims, path, size, ...(resume === undefined ? {} : { resume: { from, mtimeMs: resume.mtimeMs } }) })
}

describe('a folder another transfer made and removed again (issue 13)', () => {
  it('saves a file planned into a folder that a cancelled transfer removed before the file\'s bytes came', async () => {
    const a = transfer()
    const b = transfer()
    const aFile = plan(a, 'shared/a.bin', 10, undefined)
    aFile.open() // A makes shared/ and its partial in it
    const bFile = plan(b, 'shared/b.txt', 5, undefined) // B is answered while shared/ exists
    aFile.discard() // A is cancelled: its partial goes, then the folder it made, empty again
    a.removeEmptyFolders()
    expect(await readdir(dest)).toEqual([])
    bFile.open()
    await bFile.write(Buffer.from('hello'), 0)
    bFile.close()
    expect(bFile.commit(() => true)).toBe(join(b.root, 'shared', 'b.txt'))
    expect(await readFile(join(dest, 'shared', 'b.txt'), 'utf8')).toBe('hello')
  })

  it('refuses (FERRY_ERR_UNSAFE_PATH) and writes nothing when the removed folder\'s name now holds a link', async () => {
    const a = transfer()
    const b = transfer()
    const aFile = plan(a, 'shared/a.bin', 10, undefined)
    aFile.open()
    const bFile = plan(b, 'shared/b.txt', 5, undefined)
    aFile.discard()
    a.removeEmptyFolders()
    await symlink(outside, join(dest, 'shared'))
    expect(() => { bFile.open() }).toThrow(expect.objectContaining({ code: 'FERRY_ERR_UNSAFE_PATH' }))
    expect(await readdir(outside)).toEqual([])
  })
})
