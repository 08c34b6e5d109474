// Issue 13 (red team, second round): a transfer that ends leaves no hidden partial that nothing will ever resume or
// remove.

import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useDestinationFixture } from '../helpers/destination-fixture.ts'
import { PartialClaims, sidecarOf } from '../../src/index.ts'
import { StalePartials } from '../../src/receive/stale-partials.ts'

const fx = useDestinationFixture()
const { transfer, plan, names, from } = fx

/** A partial an earlier, interrupted transfer left: `bytes` of `path` as it was at `mtimeMs`, from `sender`. */
async function leftover (folder: string, path: string, size: number, mtimeMs: number, sender = from): Promise<string> {
  const partial = names.forKey(JSON.stringify([sender, path, size, mtimeMs]))
  await writeFile(join(folder, partial), Buffer.alloc(Math.min(size, 4), 1))
  await writeFile(join(folder, sidecarOf(partial)), JSON.stringify({ path, size, mtimeMs, from: sender }))
  return partial
}

describe('partials nothing would resume (issue 13)', () => {
  it('removes a partial without a sidecar when its transfer ends, even by a lost connection', async () => {
    const destination = transfer()
    const file = plan(destination, 'mid.bin', 200 * 1024, undefined)
    file.open()
    await file.write(Buffer.alloc(120 * 1024, 1), 0)
    file.keep() // what the receiver does on a lost connection
    expect(await readdir(fx.dest)).toEqual([])
  })

  it('removes the second partial of a file two transfers received at once (it has no sidecar) when it is cut', async () => {
    const claims = new PartialClaims()
    const destination = transfer()
    const first = plan(destination, 'big.bin', 10, { mtimeMs: 1000 }, claims)
    const second = plan(destination, 'big.bin', 10, { mtimeMs: 1000 }, claims)
    first.open()
    second.open()
    await first.write(Buffer.from('hel'), 0)
    await second.write(Buffer.from('hello'), 0)
    second.keep()
    first.keep()
    // Only the first one's partial and sidecar remain: a resend resumes from them.
    expect((await readdir(fx.dest)).length).toBe(2)
    expect(plan(transfer(), 'big.bin', 10, { mtimeMs: 1000 }).offset).toBe(3)
  })
})

describe('partials left for a file that has been saved since (issue 13)', () => {
  it('removes, when a file is saved, the partials its sender left for the same path at another size or mtime', async () => {
    const claims = new PartialClaims()
    await mkdir(join(fx.dest, 'album'))
    await leftover(join(fx.dest, 'album'), 'album/clip.bin', 10, 999) // the source changed while the link was cut
    await leftover(join(fx.dest, 'album'), 'album/clip.bin', 8, 998)
    const destination = transfer()
    const file = plan(destination, 'album/clip.bin', 5, { mtimeMs: 1000 }, claims, new StalePartials(from, claims))
    file.open()
    await file.write(Buffer.from('hello'), 0)
    file.close()
    expect(file.commit(() => true)).toBe(join(destination.root, 'album', 'clip.bin'))
    expect(await readdir(join(fx.dest, 'album'))).toEqual(['clip.bin'])
  })

  it('removes only those: other senders\', other paths\', one another transfer holds and one behind a linked sidecar stay', async () => {
    const claims = new PartialClaims()
    const others = [
      await leftover(fx.dest, 'clip.bin', 10, 999, '12D3KooWSomeoneElse'),
      await leftover(fx.dest, 'other.bin', 10, 999)
    ]
    const stale = await leftover(fx.dest, 'clip.bin', 10, 999)
    const held = await leftover(fx.dest, 'clip.bin', 12, 1000)
    const writing = plan(transfer(), 'clip.bin', 12, { mtimeMs: 1000 }, claims) // claims `held`: it resumes from it
    expect(writing.offset).toBe(4)
    await writeFile(join(fx.outside, 'sidecar'), JSON.stringify({ path: 'clip.bin', size: 9, mtimeMs: 1, from }))
    const planted = names.forKey('planted')
    await writeFile(join(fx.dest, planted), 'abcd')
    await symlink(join(fx.outside, 'sidecar'), join(fx.dest, sidecarOf(planted)))
    const destination = transfer()
    const file = plan(destination, 'clip.bin', 5, { mtimeMs: 1001 }, claims, new StalePartials(from, claims))
    file.open()
    await file.write(Buffer.from('hello'), 0)
    file.close()
    file.commit(() => true)
    const left = await readdir(fx.dest)
    for (const partial of [...others, held, planted]) expect(left).toContain(partial)
    expect(left).toContain(sidecarOf(planted))
    expect(left).not.toContain(stale)
    expect(left).not.toContain(sidecarOf(stale))
    expect(await readFile(join(fx.outside, 'sidecar'), 'utf8')).toContain('clip.bin')
  })
})
