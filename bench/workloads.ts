// Generates the three workloads on disk: one large file, many 4 KiB files in subfolders, and a photo-library-like
// folder of files from 50 KiB to 20 MiB. Random bytes come from one 16 MiB block made once, so generating 4 GiB
// costs a disk write, not 4 GiB of randomness; every file and every block differs from every other.
import { randomFillSync } from 'node:crypto'
import { mkdir, open, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { mapLimit } from './tree.ts'
import type { Workload, WorkloadName } from './types.ts'

const KiB = 1024
const MiB = 1024 * KiB
const GiB = 1024 * MiB
const BLOCK_BYTES = 16 * MiB
/** Full-scale sizes, from the issue. */
const BIG_BYTES = 4 * GiB
const MANY_FILES = 10_000
const SMALL_FILE_BYTES = 4096
const MANY_SUBFOLDERS = 10
const MIXED_BYTES = 2 * GiB
const MIXED_MIN_FILE = 50 * KiB
const MIXED_MAX_FILE = 20 * MiB
/** Year/month folders of the photo library: 2 years of 12 months. */
const MIXED_FOLDERS = 24
/** Floors so that a tiny FERRY_BENCH_SCALE still moves something measurable. */
const MIN_BIG_BYTES = MiB
const MIN_MANY_FILES = 20
const MIN_MIXED_BYTES = 4 * MiB
const WRITE_CONCURRENCY = 64
/** Fixed, so every run of the bench (and every tool in it) gets the same library. */
const MIXED_SEED = 0x5eed_f011

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

/** mulberry32: a tiny seeded PRNG, enough to pick file sizes reproducibly. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Writes `bytes` bytes to `path` in 16 MiB blocks, each a different rotation of the ring stamped with the file's
 * `id` and the block's index, so no two blocks of any two files are equal. Safe to run concurrently on one ring.
 */
async function writeRingFile(path: string, bytes: number, ring: Buffer, id: number): Promise<void> {
  const fh = await open(path, 'w')
  try {
    for (let offset = 0, i = 0; offset < bytes; offset += BLOCK_BYTES, i++) {
      // An odd stride through the ring: no two blocks start at the same offset.
      const start = ((id * 7919 + i) * 1_048_583) % BLOCK_BYTES
      const block = ring.subarray(start, start + Math.min(BLOCK_BYTES, bytes - offset))
      // The stamp is written in place of the block's first 8 bytes, so the shared ring is never modified.
      const stamp = Buffer.alloc(8)
      stamp.writeBigUInt64BE((BigInt(id) << 32n) | BigInt(i), 0)
      await fh.write(stamp.subarray(0, Math.min(8, block.length)))
      if (block.length > 8) await fh.write(block.subarray(8))
    }
  } finally {
    await fh.close()
  }
}

/** One file of round(4 GiB x scale) bytes. */
export async function generateBigFile(dir: string, scale: number): Promise<Workload> {
  const bytes = Math.max(MIN_BIG_BYTES, Math.round(BIG_BYTES * scale))
  const path = join(dir, 'big.bin')
  await writeRingFile(path, bytes, randomRing(), 0)
  return { name: 'big', label: `4 GiB file${scaleLabel(scale)}`, sourcePath: path, files: 1, bytes }
}

/** round(10,000 x scale) files of 4 KiB in 10 subfolders of one folder; each file distinct, each name unique. */
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

/**
 * A photo library of round(2 GiB x scale) bytes: sizes log-uniform from 50 KiB to 20 MiB (mean about 3.3 MiB, so
 * about 600 files at full scale: thumbnails, phone photos, RAW-sized files), in year/month folders. The names are
 * unique across folders, because the browser upload sends names without their folders.
 */
export async function generateMixedFolder(dir: string, scale: number): Promise<Workload> {
  const target = Math.max(MIN_MIXED_BYTES, Math.round(MIXED_BYTES * scale))
  const random = seededRandom(MIXED_SEED)
  const sizes: number[] = []
  let total = 0
  while (total < target) {
    const drawn = Math.round(MIXED_MIN_FILE * (MIXED_MAX_FILE / MIXED_MIN_FILE) ** random())
    // The last file takes what is left, but never less than the smallest size of the library.
    const size = Math.max(MIXED_MIN_FILE, Math.min(drawn, target - total))
    sizes.push(size)
    total += size
  }
  const root = join(dir, 'photos')
  const folderOf = (i: number): string => {
    const month = Math.floor((i * MIXED_FOLDERS) / sizes.length)
    return join(root, String(2023 + Math.floor(month / 12)), String((month % 12) + 1).padStart(2, '0'))
  }
  for (let i = 0; i < sizes.length; i++) await mkdir(folderOf(i), { recursive: true })
  const ring = randomRing()
  // Files over one block each write several blocks from the shared ring in turn; a few at a time keep the disk busy.
  await mapLimit(sizes, 4, async (size, i) => {
    await writeRingFile(join(folderOf(i), `IMG_${String(i + 1).padStart(5, '0')}.jpg`), size, ring, i + 1)
  })
  return { name: 'mixed', label: `2 GiB photo library${scaleLabel(scale)}`, sourcePath: root, files: sizes.length, bytes: total }
}

export async function generateWorkload(name: WorkloadName, dir: string, scale: number): Promise<Workload> {
  if (name === 'big') return generateBigFile(dir, scale)
  if (name === 'many') return generateManyFiles(dir, scale)
  return generateMixedFolder(dir, scale)
}
