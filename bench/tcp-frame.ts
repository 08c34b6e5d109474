// The TCP baseline's framing: per file, u32 BE path length, the UTF-8 relative path, u64 BE size, then the bytes.
// Deliberately the simplest thing that moves many files over one socket, so it is a floor, not a rival protocol.

/** Longest relative path accepted; a longer one means the stream is out of step. */
export const MAX_PATH_BYTES = 4096

export function encodeHeader(rel: string, size: number): Buffer {
  const path = Buffer.from(rel, 'utf8')
  if (path.length > MAX_PATH_BYTES) throw new Error(`path longer than ${MAX_PATH_BYTES} bytes: ${rel}`)
  const header = Buffer.allocUnsafe(4 + path.length + 8)
  header.writeUInt32BE(path.length, 0)
  path.copy(header, 4)
  header.writeBigUInt64BE(BigInt(size), 4 + path.length)
  return header
}

export interface FrameHeader {
  rel: string
  size: number
  /** Bytes the header took, to skip past it. */
  length: number
}

/** Parses a header at `offset`, or returns undefined if `buf` does not hold all of it yet. */
export function parseHeader(buf: Buffer, offset: number): FrameHeader | undefined {
  if (buf.length - offset < 4) return undefined
  const pathBytes = buf.readUInt32BE(offset)
  if (pathBytes > MAX_PATH_BYTES) throw new Error(`frame path length ${pathBytes} exceeds ${MAX_PATH_BYTES}`)
  const length = 4 + pathBytes + 8
  if (buf.length - offset < length) return undefined
  const rel = buf.toString('utf8', offset + 4, offset + 4 + pathBytes)
  const size = buf.readBigUInt64BE(offset + 4 + pathBytes)
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`frame size ${size} too large`)
  return { rel, size: Number(size), length }
}

/** The path names a file inside the receive folder: relative, POSIX, no empty, "." or ".." segments. */
export function checkRelPath(rel: string): void {
  const segments = rel.split('/')
  if (rel.includes('\\') || rel.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`unsafe path in frame: ${JSON.stringify(rel)}`)
  }
}
