// IncomingFile planned as present: a file this device saved recently from the same sender (recent-saves.ts), still
// the very file saved, takes no partial and no byte, and counts as saved only if it is still that file when the
// sender's hash has matched. Any doubt and it is planned as a file to receive.

import { link, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { IncomingFile, PartialClaims, SavedFileMismatchError, type Destination } from '../../src/index.ts'
import { RecentSaves } from '../../src/receive/recent-saves.ts'
import { useDestinationFixture } from '../helpers/destination-fixture.ts'

const fx = useDestinationFixture()
const MTIME = 1_700_000_000_000
const HASH = 'ab'.repeat(32)

function plan (destination: Destination, saves: RecentSaves, path: string, size: number, from = fx.from): IncomingFile {
  return IncomingFile.plan({ destination, names: fx.names, claims: new PartialClaims(), path, size, recent: { saves, from, mtimeMs: MTIME } })
}

/** Receives `data` as `path` and commits it with its hash, as a transfer does. */
function save (saves: RecentSaves, path: string, data: string): string | undefined {
  const file = plan(fx.transfer(), saves, path, data.length)
  file.writeWhole(Buffer.from(data))
  return file.commit(() => true, HASH)
}

describe('a file saved recently from the same sender, offered again', () => {
  it('is planned as present: offset = size, the recorded hash, no partial, and commit names the file it is', async () => {
    const saves = new RecentSaves(() => ({ maxRecentSaves: 8, resumeWindowMs: 60_000 }))
    expect(save(saves, 'a.txt', 'hello')).toBe(join(fx.dest, 'a.txt'))
    const file = plan(fx.transfer(), saves, 'a.txt', 5)
    expect(file.state).toBe('present')
    expect(file.offset).toBe(5)
    expect(file.savedBlake3).toBe(HASH)
    expect(() => { file.open() }).toThrow()
    expect(file.commit(() => true)).toBe(join(fx.dest, 'a.txt'))
    expect(await readdir(fx.dest)).toEqual(['a.txt'])
  })

  it('remembers the "(n)" name a file got, and finds it there', async () => {
    const saves = new RecentSaves(() => ({ maxRecentSaves: 8, resumeWindowMs: 60_000 }))
    await writeFile(join(fx.dest, 'a.txt'), 'the user\'s')
    expect(save(saves, 'a.txt', 'hello')).toBe(join(fx.dest, 'a (1).txt'))
    const file = plan(fx.transfer(), saves, 'a.txt', 5)
    expect(file.state).toBe('present')
    expect(file.commit(() => true)).toBe(join(fx.dest, 'a (1).txt'))
  })

  it('fails with SavedFileMismatchError when the saved file changed after the plan, leaves it, and forgets it', async () => {
    const saves = new RecentSaves(() => ({ maxRecentSaves: 8, resumeWindowMs: 60_000 }))
    save(saves, 'a.txt', 'hello')
    const file = plan(fx.transfer(), saves, 'a.txt', 5)
    await writeFile(join(fx.dest, 'a.txt'), 'HELLO')
    expect(() => file.commit(() => true)).toThrow(SavedFileMismatchError)
    expect(await readFile(join(fx.dest, 'a.txt'), 'utf8')).toBe('HELLO')
    expect(plan(fx.transfer(), saves, 'a.txt', 5).state).toBe('planned')
  })

  it('is planned to be received when the saved file has a second name (a hard link), or comes from another sender', async () => {
    const saves = new RecentSaves(() => ({ maxRecentSaves: 8, resumeWindowMs: 60_000 }))
    save(saves, 'a.txt', 'hello')
    expect(plan(fx.transfer(), saves, 'a.txt', 5, '12D3KooWOther').state).toBe('planned')
    await link(join(fx.dest, 'a.txt'), join(fx.dest, 'b.txt'))
    expect(plan(fx.transfer(), saves, 'a.txt', 5).state).toBe('planned')
  })

  it('forgets the file when the sender\'s hash refutes it, and touches nothing', async () => {
    const saves = new RecentSaves(() => ({ maxRecentSaves: 8, resumeWindowMs: 60_000 }))
    save(saves, 'a.txt', 'hello')
    const file = plan(fx.transfer(), saves, 'a.txt', 5)
    file.refute()
    expect(file.state).toBe('discarded')
    expect(await readFile(join(fx.dest, 'a.txt'), 'utf8')).toBe('hello')
    expect(saves.size).toBe(0)
  })
})
