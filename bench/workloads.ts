// Generates the two workloads on disk: one large file of random-ish bytes, and many 4 KiB files in subfolders.
// Random bytes come from one 16 MiB block made once, so generating 1 GiB costs a disk write, not 1 GiB of randomness.
import { randomFillSync } from 'node:crypto'
import { mkdir, open, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { mapLimit } from './tree.ts'
import type { Workload } from './types.ts'

const MiB = 1024 * 1024
const GiB = 1024 * MiB
const BLOCK_BYTES = 16 * MiB
/** Full-scale sizes, from the targets. */
const BIG_BYTES = GiB
const MANY_FILES = 10_000
const SMALL_FILE_BYTES = 4096
const MANY_SUBFOLDERS = 10
/** Floors so that a tiny FERRY_BENCH_SCALE still moves something measurable. */
const MIN_BIG_BYTES = MiB
const MIN_MANY_FILES = 20
const WRITE_CONCURRENCY = 64

/** Twice the random block back to back, so any 16 MiB window of it is a rotation of the block. */
function randomRing(): Buffer {
  const ring = Buffer.allocUnsafe(2 * BLOCK_BYTES)
  randomFillSync(ring, 0, BLOCK_BYTES)
  ring.copy(ring, BLOCK_BYTES, 0, BLOCK_BYTES)
  return ring
}

function scaleLabel(scale: number): string {
  return scale === 1 ? '' : ` x${scale}`
}

/** One file of round(1 GiB x scale) bytes; each 16 MiB block is a different rotation stamped with its index. */
export async function generateBigFile(dir: string, scale: number): Promise<Workload> {
  const bytes = Math.max(MIN_BIG_BYTES, Math.round(BIG_BYTES * scale))
  const path = join(dir, 'big.bin')
  const ring = randomRing()
  const fh = await open(path, 'w')
  try {
    for (let offset = 0, i = 0; offset < bytes; offset += BLOCK_BYTES, i++) {
      // An odd stride through the ring: no two blocks start at the same offset, so no two blocks are equal.
      const start = (i * 1_048_583) % BLOCK_BYTES
      const block = ring.subarray(start, start + Math.min(BLOCK_BYTES, bytes - offset))
      const saved = ring.readBigUInt64BE(start)
      block.writeBigUInt64BE(BigInt(i), 0)
      await fh.write(block)
      ring.writeBigUInt64BE(saved, start)
    }
  } finally {
    await fh.close()
  }
  return { name: 'big', label: `1 GiB file${scaleLabel(scale)}`, sourcePath: path, files: 1, bytes }
}

/** round(10,000 x scale) files of 4 KiB in 10 subfolders of one folder; each file distinct. */
export async function generateManyFiles(dir: string, scale: number): Promise<Workload> {
  const files = Math.max(MIN_MANY_FILES, Math.round(MANY_FILES * scale))
  const root = join(dir, 'many')
  for (let d = 0; d < MANY_SUBFOLDERS; d++) await mkdir(join(root, `d${d}`), { recursive: true })
  const ring = randomRing()
  const indices = Array.from({ length: files }, (_, i) => i)
  await mapLimit(indices, WRITE_CONCURRENCY, async (i) => {
    const start = (i * 4099) % BLOCK_BYTES
    const content = Buffer.from(ring.subarray(start, start + SMALL_FILE_BYTES))
    content.writeUInt32BE(i, 0)
    await writeFile(join(root, `d${i % MANY_SUBFOLDERS}`, `f${String(i).padStart(5, '0')}.bin`), content)
  })
  const label = `${MANY_FILES.toLocaleString('en')} x 4 KiB${scaleLabel(scale)}`
  return { name: 'many', label, sourcePath: root, files, bytes: files * SMALL_FILE_BYTES }
}
