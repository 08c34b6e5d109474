// A small zip reader for tests: finds the central directory (zip64 aware), then inflates or copies each entry and
// checks its CRC-32. Enough to check the share's streamed zip byte for byte without another dependency.

import { crc32, inflateRawSync } from 'node:zlib'

export interface ZipEntry {
  name: string
  method: 'store' | 'deflate'
  data: Buffer
  /** The Unix mode in the entry's external attributes (0o120000 bits set for a symbolic link), or 0 when none. */
  mode: number
}

const EOCD = 0x06054b50
const ZIP64_EOCD = 0x06064b50
const ZIP64_LOCATOR = 0x07064b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50

export function readZip (zip: Buffer): ZipEntry[] {
  let eocd = -1
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === EOCD) { eocd = i; break }
  }
  if (eocd < 0) throw new Error('no end of central directory')
  let count = zip.readUInt16LE(eocd + 10)
  let cdOffset = zip.readUInt32LE(eocd + 16)
  if (cdOffset === 0xffffffff || count === 0xffff) {
    const locator = eocd - 20
    if (zip.readUInt32LE(locator) !== ZIP64_LOCATOR) throw new Error('zip64 locator missing')
    const z64 = Number(zip.readBigUInt64LE(locator + 8))
    if (zip.readUInt32LE(z64) !== ZIP64_EOCD) throw new Error('zip64 end record missing')
    count = Number(zip.readBigUInt64LE(z64 + 32))
    cdOffset = Number(zip.readBigUInt64LE(z64 + 48))
  }
  const entries: ZipEntry[] = []
  let p = cdOffset
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== CENTRAL) throw new Error(`bad central header at ${p}`)
    const methodCode = zip.readUInt16LE(p + 10)
    const crc = zip.readUInt32LE(p + 16)
    let compressed = zip.readUInt32LE(p + 20)
    let size = zip.readUInt32LE(p + 24)
    const nameLen = zip.readUInt16LE(p + 28)
    const extraLen = zip.readUInt16LE(p + 30)
    const commentLen = zip.readUInt16LE(p + 32)
    const mode = zip.readUInt32LE(p + 38) >>> 16
    let local = zip.readUInt32LE(p + 42)
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8')
    // zip64 extra field: the 64-bit values, in this order, for each 32-bit field that is 0xFFFFFFFF.
    for (let e = p + 46 + nameLen; e < p + 46 + nameLen + extraLen;) {
      const id = zip.readUInt16LE(e)
      const len = zip.readUInt16LE(e + 2)
      if (id === 0x0001) {
        let q = e + 4
        if (size === 0xffffffff) { size = Number(zip.readBigUInt64LE(q)); q += 8 }
        if (compressed === 0xffffffff) { compressed = Number(zip.readBigUInt64LE(q)); q += 8 }
        if (local === 0xffffffff) { local = Number(zip.readBigUInt64LE(q)) }
      }
      e += 4 + len
    }
    if (zip.readUInt32LE(local) !== LOCAL) throw new Error(`bad local header for ${name}`)
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const raw = zip.subarray(start, start + compressed)
    const data = methodCode === 0 ? Buffer.from(raw) : inflateRawSync(raw)
    if (data.length !== size) throw new Error(`${name}: ${data.length} bytes, expected ${size}`)
    if (crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`)
    entries.push({ name, method: methodCode === 0 ? 'store' : 'deflate', data, mode })
    p += 46 + nameLen + extraLen + commentLen
  }
  return entries
}
