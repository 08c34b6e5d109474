// Issue 13, as an attacker would try it: file names and mtimes written by hand on the wire (docs/protocol.md, Paths
// and Messages) against a receiving FerryNode. A name that reads otherwise than it is, that cannot be saved as given,
// or that is one of the receiver's own partial or sidecar names, and an mtime outside whole ms 0 ... 8.64e15, are
// refused before anyone is asked, and nothing is written.

import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FerryNode } from '../../src/index.ts'
import { writeTree } from '../helpers/files.ts'
import { createFixture, type Fixture } from '../helpers/nodes.ts'
import { speakByHand } from './raw-sender.ts'

let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

/** A receiver that would accept anything into dest/, and counts the offers it was asked about. */
async function receiver (): Promise<{ node: FerryNode, asked: () => number, dest: string }> {
  const node = await fx.node()
  const dest = join(fx.dir, 'dest')
  let asked = 0
  node.on('offer', (offer) => { asked++; void offer.respond({ accept: true, dir: dest }) })
  return { node, asked: () => asked, dest }
}

const offerOf = (file: { path: string, size?: number, mtimeMs?: unknown }): unknown[] => [
  { type: 'offer', fileCount: 1, totalBytes: file.size ?? 1 },
  { type: 'offer-files', files: [{ id: 0, path: file.path, size: file.size ?? 1, mtimeMs: file.mtimeMs ?? 0 }] }
]

async function stillServes (node: FerryNode, dest: string): Promise<void> {
  await writeTree(fx.dir, { 'honest.txt': 'fine' })
  const sender = await fx.node()
  const result = await sender.send({ address: { host: '127.0.0.1', port: node.address.port }, paths: [join(fx.dir, 'honest.txt')] })
  expect(result.files).toBe(1)
  expect(await readdir(dest)).toEqual(['honest.txt'])
}

describe('a hostile sender\'s names and mtimes (issue 13)', () => {
  it.each([
    ['a right-to-left override', 'invoice\u202Efdp.exe'],
    ['a bidi isolate', 'a\u2066b.txt'],
    ['a right-to-left mark', 'x\u200F.txt'],
    ['an Arabic letter mark', 'x\u061C.txt'],
    ['a C1 control (CSI)', 'a\u009B2J.txt'],
    ['a C1 control (NEL)', 'a\u0085b.txt'],
    ['an ANSI escape sequence', '\u001B]0;pwned\u0007.txt'],
    ['DEL', 'a\u007F.txt'],
    ['a lone surrogate (it would be saved as U+FFFD)', 'a\uD800.txt'],
    ['a partial file\'s name', '.ferry-0123456789abcdef01234567.part'],
    ['a sidecar\'s name in another case', '.FERRY-0123456789abcdef01234567.part.json'],
    ['a folder with the reserved prefix', '.ferry-x/inside.txt']
  ])('offering a name with %s is refused with FERRY_ERR_INVALID_PATH, asking nobody and writing nothing', async (_what, path) => {
    const r = await receiver()
    const replies = await speakByHand({ host: '127.0.0.1', port: r.node.address.port }, offerOf({ path }))
    expect(replies).toContainEqual(expect.objectContaining({ type: 'error', code: 'FERRY_ERR_INVALID_PATH' }))
    expect(r.asked()).toBe(0)
    await stillServes(r.node, r.dest)
  })

  it.each([
    ['negative', -5],
    ['fractional', 1.5],
    ['past 8.64e15', 8.64e15 + 1],
    ['a string', '0']
  ])('offering a %s mtime is refused with FERRY_ERR_BAD_FRAME, asking nobody', async (_what, mtimeMs) => {
    const r = await receiver()
    const replies = await speakByHand({ host: '127.0.0.1', port: r.node.address.port }, offerOf({ path: 'a.txt', mtimeMs }))
    expect(replies).toContainEqual(expect.objectContaining({ type: 'error', code: 'FERRY_ERR_BAD_FRAME', message: expect.stringContaining('mtimeMs') }))
    expect(r.asked()).toBe(0)
  })

  it('takes the documented edges of mtime, 0 and 8.64e15, to the question', async () => {
    for (const mtimeMs of [0, 8.64e15]) {
      const node = await fx.node()
      const asked = new Promise<number>((resolve) => {
        node.once('offer', (offer) => { resolve(offer.files[0]?.mtimeMs ?? -1); void offer.respond({ accept: false }) })
      })
      const replies = await speakByHand({ host: '127.0.0.1', port: node.address.port }, offerOf({ path: 'a.txt', mtimeMs }))
      expect(await asked).toBe(mtimeMs)
      expect(replies).toContainEqual(expect.objectContaining({ type: 'answer', accepted: false }))
    }
  })
})
