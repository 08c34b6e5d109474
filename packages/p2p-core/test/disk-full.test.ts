import { execFileSync } from 'node:child_process'
import { mkdir, readdir, rm, statfs, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DiskError, NoSpaceError, PARTIAL_PREFIX, PARTIAL_SUFFIX, type FerryNode, type IncomingOffer, type ReceiveResult } from '../src/index.ts'
import { bytes, sha256, writeTree } from './helpers/files.ts'
import { faultyTransport } from './helpers/faulty-transport.ts'
import { createFixture, type Fixture } from './helpers/nodes.ts'

// A receiving disk that is too small, or fills up mid-transfer: a clear error on both sides, nothing damaged
// visible, and the partial kept so the transfer resumes once there is room. Uses a 16 MiB tmpfs (needs root).

const MiB = 1024 * 1024
const canMount = process.getuid?.() === 0
let fx: Fixture
let disk: string

beforeEach(async () => {
  fx = await createFixture()
  disk = join(fx.dir, 'small-disk')
  await mkdir(disk)
  if (canMount) execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', disk])
})
afterEach(async () => {
  if (canMount) execFileSync('umount', ['-l', disk])
  await fx.cleanup()
})

function answerNext (node: FerryNode, dir: string): Promise<ReceiveResult> {
  const outcome = new Promise<IncomingOffer>((resolve) => { node.once('offer', resolve) }).then(async (o) => await o.respond({ accept: true, dir }))
  outcome.catch(() => {})
  return outcome
}

async function entries (dir: string): Promise<{ visible: string[], partials: string[] }> {
  const all = await readdir(dir, { recursive: true, withFileTypes: true })
  return {
    visible: all.filter((e) => e.isFile() && !e.name.startsWith('.') && e.name !== 'filler').map((e) => e.name),
    partials: all.filter((e) => e.isFile() && e.name.startsWith(PARTIAL_PREFIX) && e.name.endsWith(PARTIAL_SUFFIX)).map((e) => e.name)
  }
}

describe.skipIf(!canMount)(`a receiver whose disk is small${canMount ? '' : ' (skipped: mounting a tmpfs needs root)'}`, () => {
  it('refuses an offer larger than its free space with FERRY_ERR_NO_SPACE before writing a byte', async () => {
    await writeTree(fx.dir, { 'huge.bin': bytes(20 * MiB) })
    const a = await fx.node()
    const b = await fx.node()
    const outcome = answerNext(b, join(disk, 'inbox'))
    await expect(a.send({ address: b.address, paths: [join(fx.dir, 'huge.bin')] })).rejects.toBeInstanceOf(NoSpaceError)
    await expect(outcome).rejects.toBeInstanceOf(NoSpaceError)
    expect(await entries(disk)).toEqual({ visible: [], partials: [] })
  })

  it('stops both sides with FERRY_ERR_DISK when the disk fills mid-transfer, keeps the partial, and resumes once there is room', async () => {
    await writeTree(fx.dir, { 'movie.bin': bytes(10 * MiB) })
    const a = await fx.node({ wrap: (t) => faultyTransport(t, { writeDelayMs: 50 }) })
    const b = await fx.node()
    const dest = join(disk, 'inbox')
    const filler = join(disk, 'filler')
    let filled = false
    const outcome = new Promise<IncomingOffer>((resolve) => { b.once('offer', resolve) }).then(async (o) => await o.respond({
      accept: true,
      dir: dest,
      onProgress: (p) => {
        if (filled || p.bytesDone < 2 * MiB) return
        filled = true
        // Something else on this machine takes nearly all the space that is left.
        // (The filler may itself run out of room as the transfer keeps writing; a partial filler fills the disk too.)
        void statfs(disk).then(async (s) => { await writeFile(filler, Buffer.alloc(Math.max(0, s.bavail * s.bsize - 64 * 1024))) }).catch(() => {})
      }
    }))
    outcome.catch(() => {})
    await expect(a.send({ address: b.address, paths: [join(fx.dir, 'movie.bin')] })).rejects.toBeInstanceOf(DiskError)
    await expect(outcome).rejects.toBeInstanceOf(DiskError)
    const after = await entries(disk)
    expect(after.visible).toEqual([])
    expect(after.partials).toHaveLength(1)

    await rm(filler)
    const second = answerNext(b, dest)
    const result = await a.send({ address: b.address, paths: [join(fx.dir, 'movie.bin')] })
    expect(result.bytesResumed).toBeGreaterThan(0)
    expect((await second).files).toHaveLength(1)
    expect(await sha256(join(dest, 'movie.bin'))).toBe(await sha256(join(fx.dir, 'movie.bin')))
  })
})
