// Issue 13 (red team, second round): a transfer that ends leaves no hidden partial that nothing will ever resume or
// remove.

import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
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

describe('partials nothing would resume (issue 13)', () => {
  it('removes a partial without a sidecar when its transfer ends, even by a lost connection', async () => {
    const destination = transfer()
    const file = plan(destination, 'mid.bin', 200 * 1024, undefined)
    file.open()
    await file.write(Buffer.alloc(120 * 1024, 1), 0)
    file.keep() // what the receiver does on a lost connection
    expect(await readdir(dest)).toEqual([])
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
    expect((await readdir(dest)).length).toBe(2)
    expect(plan(transfer(), 'big.bin', 10, { mtimeMs: 1000 }).offset).toBe(3)
  })
})
