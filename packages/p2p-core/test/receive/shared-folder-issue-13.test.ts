// Issue 13 (red team, second round): a folder one transfer made and removed again, once empty, must never break
// another transfer that planned a file into it.

import { readFile, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useDestinationFixture } from '../helpers/destination-fixture.ts'

const fx = useDestinationFixture()
const { transfer, plan } = fx

/**
 * Transfer A makes shared/ for its file; B plans `bPath` while shared/ exists (B holds its handle); A is cancelled and
 * removes shared/, empty again. Returns B's planned file.
 */
function plannedThenRemoved (bPath: string): ReturnType<typeof plan> {
  const a = transfer()
  const b = transfer()
  const aFile = plan(a, 'shared/a.bin', 10, undefined)
  aFile.open()
  const bFile = plan(b, bPath, 5, undefined)
  aFile.discard()
  a.removeEmptyFolders()
  return bFile
}

describe('a folder another transfer made and removed again (issue 13)', () => {
  it('saves a file planned into a folder that a cancelled transfer removed before the file\'s bytes came', async () => {
    const bFile = plannedThenRemoved('shared/b.txt')
    expect(await readdir(fx.dest)).toEqual([])
    bFile.open()
    await bFile.write(Buffer.from('hello'), 0)
    bFile.close()
    expect(bFile.commit(() => true)).toBe(join(await realpath(fx.dest), 'shared', 'b.txt'))
    expect(await readFile(join(fx.dest, 'shared', 'b.txt'), 'utf8')).toBe('hello')
  })

  it('refuses (FERRY_ERR_UNSAFE_PATH) and writes nothing when the removed folder\'s name now holds a link', async () => {
    const bFile = plannedThenRemoved('shared/b.txt')
    await symlink(fx.outside, join(fx.dest, 'shared'))
    expect(() => { bFile.open() }).toThrow(expect.objectContaining({ code: 'FERRY_ERR_UNSAFE_PATH' }))
    expect(await readdir(fx.outside)).toEqual([])
  })

  it('saves a file planned into a folder not made yet, below a folder that a cancelled transfer removed', async () => {
    const bFile = plannedThenRemoved('shared/sub/b.txt') // B holds shared/; sub/ is still to be made
    expect(await readdir(fx.dest)).toEqual([])
    bFile.open()
    await bFile.write(Buffer.from('hello'), 0)
    bFile.close()
    expect(bFile.commit(() => true)).toBe(join(await realpath(fx.dest), 'shared', 'sub', 'b.txt'))
    expect(await readFile(join(fx.dest, 'shared', 'sub', 'b.txt'), 'utf8')).toBe('hello')
  })

  for (const [what, replace] of [
    ['a link', async (path: string) => { await symlink(fx.outside, path) }],
    ['a file', async (path: string) => { await writeFile(path, 'not a folder') }]
  ] as const) {
    it(`refuses (FERRY_ERR_UNSAFE_PATH) a folder still to be made below a removed folder whose name now holds ${what}`, async () => {
      const bFile = plannedThenRemoved('shared/sub/b.txt')
      await replace(join(fx.dest, 'shared'))
      expect(() => { bFile.open() }).toThrow(expect.objectContaining({ code: 'FERRY_ERR_UNSAFE_PATH' }))
      expect(await readdir(fx.outside)).toEqual([])
    })
  }

  it('refuses (FERRY_ERR_UNSAFE_PATH) to commit when the file\'s folder was removed with its partial and a link put in its place', async () => {
    const b = transfer()
    const bFile = plan(b, 'shared/b.txt', 5, undefined)
    bFile.open()
    await bFile.write(Buffer.from('hello'), 0)
    bFile.close()
    await rm(join(fx.dest, 'shared'), { recursive: true })
    await symlink(fx.outside, join(fx.dest, 'shared'))
    expect(() => bFile.commit(() => true)).toThrow(expect.objectContaining({ code: 'FERRY_ERR_UNSAFE_PATH' }))
    expect(await readdir(fx.outside)).toEqual([])
  })
})
