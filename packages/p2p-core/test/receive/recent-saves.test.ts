import { describe, expect, it } from 'vitest'
import { RecentSaves, type SaveKey, type SavedCopy } from '../../src/receive/recent-saves.ts'

const FROM = '12D3KooWPui36RoLsntMqCxvNF7yHdyQ5nV8scsvrhPgNRGbpVL2'
const key = (i: number, path = `f${i}.bin`): SaveKey => ({ from: FROM, root: '/dest', path, size: i, mtimeMs: 1_700_000_000_000 + i })
const copy = (i: number): SavedCopy => ({ copy: 0, blake3: i.toString(16).padStart(64, '0'), identity: { dev: 1, ino: i, size: i, mtimeMs: i, ctimeMs: i } })

describe('RecentSaves', () => {
  it('holds at most maxRecentSaves files however many a sender saves, forgetting the oldest first', () => {
    const saves = new RecentSaves(() => ({ maxRecentSaves: 16, resumeWindowMs: 60_000 }))
    // Long names cost nothing extra: the key is a digest.
    for (let i = 0; i < 1000; i++) saves.remember(key(i, `${'n'.repeat(4000)}${i}`), copy(i))
    expect(saves.size).toBe(16)
    expect(saves.find(key(983, `${'n'.repeat(4000)}983`))).toBeUndefined()
    expect(saves.find(key(984, `${'n'.repeat(4000)}984`))?.blake3).toBe(copy(984).blake3)
  })

  it('forgets a file after resumeWindowMs', () => {
    let now = 0
    const saves = new RecentSaves(() => ({ maxRecentSaves: 16, resumeWindowMs: 1_000 }), () => now)
    saves.remember(key(1), copy(1))
    now = 1_000
    expect(saves.find(key(1))).toBeDefined()
    saves.remember(key(2), copy(2))
    now = 1_001
    expect(saves.find(key(1))).toBeUndefined()
    expect(saves.size).toBe(1)
    // Entries past the window go as others are remembered, not only when looked up.
    now = 5_000
    saves.remember(key(3), copy(3))
    expect(saves.size).toBe(1)
  })

  it('tells apart the sender, the destination, the path, the size and the mtime', () => {
    const saves = new RecentSaves(() => ({ maxRecentSaves: 16, resumeWindowMs: 60_000 }))
    saves.remember(key(1), copy(1))
    expect(saves.find(key(1))).toBeDefined()
    expect(saves.find({ ...key(1), from: `${FROM}x` })).toBeUndefined()
    expect(saves.find({ ...key(1), root: '/other' })).toBeUndefined()
    expect(saves.find({ ...key(1), path: 'g.bin' })).toBeUndefined()
    expect(saves.find({ ...key(1), size: 2 })).toBeUndefined()
    expect(saves.find({ ...key(1), mtimeMs: 0 })).toBeUndefined()
    saves.forget(key(1))
    expect(saves.find(key(1))).toBeUndefined()
  })
})
