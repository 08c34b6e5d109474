// Checks a zip that a browser downloaded from a share link against the source: every file of the source is an entry
// with the same relative path, size and sha256, and there is nothing else. Reads the central directory (zip64
// included) and streams each entry's data through sha256 (inflating deflated ones), so nothing is extracted to disk.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { createInflateRaw } from 'node:zlib'
import { mapLimit } from './tree.ts'
import { VerifyError, type SourceDigest } from './verify.ts'

const EOCD_SIGNATURE = 0x06054b50
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50
const ZIP64_EOCD_SIGNATURE = 0x06064b50
const CENTRAL_SIGNATURE = 0x02014b50
const LOCAL_SIGNATURE = 0x04034b50
const ZIP64_EXTRA_ID = 0x0001
const EOCD_BYTES = 22
const MAX_COMMENT_BYTES = 0xffff
const LOCAL_HEADER_BYTES = 30
const HASH_CONCURRENCY = 8
const MAX_EXAMPLES = 5

interface Entry {
  name: string
  method: number
  compressedSize: number
  size: number
  localOffset: number
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length)
  const { bytesRead } = await fh.read(buf, 0, length, position)
  if (bytesRead !== length) throw new VerifyError(`zip truncated: wanted ${length} bytes at ${position}, got ${bytesRead}`)
  return buf
}

/** Where the central directory is and how many entries it has, from the (zip64) end of central directory record. */
async function findCentralDirectory(fh: FileHandle, fileSize: number): Promise<{ offset: number; size: number; entries: number }> {
  const tailLength = Math.min(fileSize, EOCD_BYTES + MAX_COMMENT_BYTES)
  const tailStart = fileSize - tailLength
  const tail = await readAt(fh, tailStart, tailLength)
  let eocd = -1
  for (let i = tail.length - EOCD_BYTES; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw new VerifyError('not a zip: no end of central directory record')
  const locator = eocd - 20
  if (locator >= 0 && tail.readUInt32LE(locator) === ZIP64_LOCATOR_SIGNATURE) {
    const zip64 = await readAt(fh, Number(tail.readBigUInt64LE(locator + 8)), 56)
    if (zip64.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw new VerifyError('zip64 end of central directory record not found')
    return { entries: Number(zip64.readBigUInt64LE(32)), size: Number(zip64.readBigUInt64LE(40)), offset: Number(zip64.readBigUInt64LE(48)) }
  }
  return { entries: tail.readUInt16LE(eocd + 10), size: tail.readUInt32LE(eocd + 12), offset: tail.readUInt32LE(eocd + 16) }
}

function parseCentralDirectory(cd: Buffer, count: number): Entry[] {
  const entries: Entry[] = []
  let p = 0
  for (let i = 0; i < count; i++) {
    if (cd.readUInt32LE(p) !== CENTRAL_SIGNATURE) throw new VerifyError(`zip central directory entry ${i} is malformed`)
    const method = cd.readUInt16LE(p + 10)
    let compressedSize = cd.readUInt32LE(p + 20)
    let size = cd.readUInt32LE(p + 24)
    const nameLength = cd.readUInt16LE(p + 28)
    const extraLength = cd.readUInt16LE(p + 30)
    const commentLength = cd.readUInt16LE(p + 32)
    let localOffset = cd.readUInt32LE(p + 42)
    const name = cd.toString('utf8', p + 46, p + 46 + nameLength)
    // zip64: the fields that overflowed (0xFFFFFFFF) follow in the 0x0001 extra field, in this order.
    for (let e = p + 46 + nameLength; e + 4 <= p + 46 + nameLength + extraLength;) {
      const id = cd.readUInt16LE(e)
      const length = cd.readUInt16LE(e + 2)
      if (id === ZIP64_EXTRA_ID) {
        let q = e + 4
        const next = (): number => {
          const v = Number(cd.readBigUInt64LE(q))
          q += 8
          return v
        }
        if (size === 0xffffffff) size = next()
        if (compressedSize === 0xffffffff) compressedSize = next()
        if (localOffset === 0xffffffff) localOffset = next()
      }
      e += 4 + length
    }
    entries.push({ name, method, compressedSize, size, localOffset })
    p += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

async function hashEntry(fh: FileHandle, path: string, entry: Entry): Promise<string> {
  const local = await readAt(fh, entry.localOffset, LOCAL_HEADER_BYTES)
  if (local.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new VerifyError(`${entry.name}: local header not found`)
  const start = entry.localOffset + LOCAL_HEADER_BYTES + local.readUInt16LE(26) + local.readUInt16LE(28)
  const hash = createHash('sha256')
  if (entry.compressedSize === 0) return hash.digest('hex')
  const raw = createReadStream(path, { start, end: start + entry.compressedSize - 1, highWaterMark: 1024 * 1024 })
  if (entry.method === 0) await pipeline(raw, hash)
  else if (entry.method === 8) await pipeline(raw, createInflateRaw(), hash)
  else throw new VerifyError(`${entry.name}: compression method ${entry.method} not understood`)
  return hash.digest('hex')
}

/** Throws VerifyError describing every difference between the zip at `zipPath` and the source. */
export async function verifyZip(source: SourceDigest, zipPath: string, what: string): Promise<void> {
  const fh = await open(zipPath, 'r')
  try {
    const { size: fileSize } = await fh.stat()
    const cd = await findCentralDirectory(fh, fileSize)
    const entries = parseCentralDirectory(await readAt(fh, cd.offset, cd.size), cd.entries).filter((e) => !e.name.endsWith('/'))
    const problems: string[] = []
    const seen = new Set<string>()
    const toHash: Entry[] = []
    for (const e of entries) {
      seen.add(e.name)
      const want = source.files.get(e.name)
      if (!want) problems.push(`unexpected entry ${e.name}`)
      else if (want.size !== e.size) problems.push(`${e.name}: size ${e.size}, expected ${want.size}`)
      else toHash.push(e)
    }
    for (const rel of source.files.keys()) if (!seen.has(rel)) problems.push(`missing entry ${rel}`)
    const hashes = await mapLimit(toHash, HASH_CONCURRENCY, (e) => hashEntry(fh, zipPath, e))
    toHash.forEach((e, i) => {
      if (hashes[i] !== source.files.get(e.name)?.sha256) problems.push(`${e.name}: bytes differ (sha256)`)
    })
    if (problems.length > 0) {
      throw new VerifyError(`${what}: the downloaded zip differs from the source in ${problems.length} place(s): ${problems.slice(0, MAX_EXAMPLES).join('; ')}`)
    }
  } catch (err) {
    if (err instanceof VerifyError) throw err
    throw new VerifyError(`${what}: cannot read the downloaded zip: ${err instanceof Error ? err.message : String(err)}`)
  } finally {
    await fh.close()
  }
}
