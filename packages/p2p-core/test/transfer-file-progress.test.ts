import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_FILES_PER_REPORT, partialNamesFor, type FileProgress, type IncomingOffer, type ReceiveResult, type TransferProgress } from '../src/index.ts'
import { bytes, plantPartial, sha256, writeTree } from './helpers/files.ts'
import { faultyTransport } from './helpers/faulty-transport.ts'
import { createFixture, type Fixture } from './helpers/nodes.ts'

// Per-file progress end to end: two real nodes on loopback, a mix of a large file on its own stream, small files
// batched several to a stream, a resumed file, a file the receiver already has whole, and a file it declines.

let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

const MiB = 1024 * 1024

/** Folds the reports' per-file lists by id, the last listing winning; checks each list's shape on the way. */
function fold (reports: readonly TransferProgress[]): Map<number, FileProgress> {
  const last = new Map<number, FileProgress>()
  for (const report of reports) {
    if (report.files === undefined) continue
    expect(report.files.length).toBeGreaterThan(0)
    expect(report.files.length).toBeLessThanOrEqual(MAX_FILES_PER_REPORT)
    for (const file of report.files) {
      const before = last.get(file.id)
      if (before !== undefined) expect(file.bytesDone).toBeGreaterThanOrEqual(before.bytesDone)
      last.set(file.id, file)
    }
  }
  return last
}

/** Every bytesDone a file was listed with, across all reports. */
function listings (reports: readonly TransferProgress[], id: number): number[] {
  return reports.flatMap((r) => r.files ?? []).filter((f) => f.id === id).map((f) => f.bytesDone)
}

describe('per-file progress of a transfer between two nodes on loopback', () => {
  it('ends every accepted file at its size and done on both sides, resumed files from their offset, and lists no other file', async () => {
    const root = join(fx.dir, 'src')
    const sizes: Record<string, number> = {
      'big.bin': 6 * MiB + 5,
      'resumed.bin': 3 * MiB,
      'whole.bin': 1 * MiB,
      'skipped.bin': 2 * MiB,
      'small/empty.txt': 0,
      'small/one.txt': 1,
      'small/a.txt': 4096,
      'small/b.txt': 100_000,
      'small/c.txt': 256 * 1024 - 1,
      'small/d.txt': 256 * 1024,
      'small/e.txt': 7,
      'small/f.txt': 65_536,
      'small/g.txt': 3
    }
    const contents = Object.fromEntries(Object.entries(sizes).map(([path, size]) => [path, bytes(size)]))
    await writeTree(join(root, 'mix'), contents)
    // Batches of at most 4 small files, so several batch streams each carry several files; slowed writes, so the
    // transfer spans several reports (50 ms a write: the sender writes 1 MiB at a time since issue 17).
    const a = await fx.node({ limits: { batchMaxFiles: 4 }, wrap: (t) => faultyTransport(t, { writeDelayMs: 50 }) })
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')

    // What an interrupted transfer leaves behind: 1 MiB of resumed.bin, and all of whole.bin.
    const resumedAt = 1 * MiB
    for (const [path, have] of [['resumed.bin', resumedAt], ['whole.bin', sizes['whole.bin'] ?? 0]] as const) {
      const { mtimeMs } = await stat(join(root, 'mix', path))
      await plantPartial(dest, partialNamesFor(fx.identityOf(b).privateKey), { from: a.peerId, path: `mix/${path}`, size: sizes[path] ?? 0, mtimeMs: Math.floor(mtimeMs) }, contents[path]?.subarray(0, have) ?? new Uint8Array(0))
    }

    const receiverReports: TransferProgress[] = []
    let resolveOffer!: (o: IncomingOffer) => void
    const offered = new Promise<IncomingOffer>((resolve) => { resolveOffer = resolve })
    b.once('offer', resolveOffer)
    const received: Promise<ReceiveResult> = offered.then(async (offer) => await offer.respond({
      accept: true,
      dir: dest,
      files: offer.files.filter((f) => f.path !== 'mix/skipped.bin').map((f) => f.id),
      onProgress: (p) => { receiverReports.push(p) }
    }))
    received.catch(() => {})
    const senderReports: TransferProgress[] = []
    const sent = await a.send({ address: b.address, peerId: b.peerId, paths: [join(root, 'mix')], onProgress: (p) => { senderReports.push(p) } })
    const result = await received
    const offer = await offered

    const idOf = (path: string): number => offer.files.find((f) => f.path === `mix/${path}`)?.id ?? -1
    const accepted = offer.files.filter((f) => f.path !== 'mix/skipped.bin')
    const expected = accepted.map((f) => ({ id: f.id, bytesDone: f.size, done: true }))
    expect(sent.bytesResumed).toBe(resumedAt + (sizes['whole.bin'] ?? 0))
    expect(result.bytesResumed).toBe(sent.bytesResumed)
    expect(await sha256(join(dest, 'mix', 'resumed.bin'))).toBe(await sha256(join(root, 'mix', 'resumed.bin')))

    for (const reports of [senderReports, receiverReports]) {
      const last = fold(reports)
      expect([...last.values()].sort((x, y) => x.id - y.id)).toEqual(expected)
      expect(listings(reports, idOf('skipped.bin'))).toEqual([])
      expect(reports.filter((r) => r.files !== undefined).length).toBeGreaterThan(1)
      expect(Math.min(...listings(reports, idOf('resumed.bin')))).toBeGreaterThanOrEqual(resumedAt)
      expect(new Set(listings(reports, idOf('whole.bin')))).toEqual(new Set([sizes['whole.bin']]))
      expect(reports.at(-1)).toMatchObject({ bytesDone: reports.at(-1)?.totalBytes, filesDone: accepted.length, totalFiles: accepted.length })
    }
  })
})
