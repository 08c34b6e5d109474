// Compression policy. The page's own files (HTML, CSS, JS) are compressed once at start-up and served as brotli or
// gzip; JSON answers above a kilobyte are gzipped. File downloads are never compressed: Range, resume and an exact
// Content-Length matter more, and most large files are compressed already. In the zip, only types known to compress
// are deflated; everything else (images, video, archives, unknown binaries) is stored.

import { brotliCompressSync, constants, gzip, gzipSync } from 'node:zlib'
import { promisify } from 'node:util'
import type { Request, Response } from 'express'
import { lookup } from 'mime-types'

const gzipAsync = promisify(gzip)

/** JSON bodies at least this long are gzipped when the browser accepts it, in bytes. */
const JSON_GZIP_MIN_BYTES = 1024

export interface CompressedAsset {
  identity: Buffer
  gzip: Buffer
  br: Buffer
}

export function precompress (body: Buffer): CompressedAsset {
  return {
    identity: body,
    gzip: gzipSync(body, { level: 9 }),
    br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })
  }
}

/** Picks the best encoding the request accepts: br, gzip, or identity. */
export function chooseEncoding (req: Request): 'br' | 'gzip' | 'identity' {
  if (req.headers['accept-encoding'] === undefined) return 'identity'
  // The server's preference, not the header's order: brotli is smaller, and every browser that sends br reads it.
  if (req.acceptsEncodings('br') === 'br') return 'br'
  if (req.acceptsEncodings('gzip') === 'gzip') return 'gzip'
  return 'identity'
}

export async function sendJson (req: Request, res: Response, status: number, value: unknown): Promise<void> {
  const body = Buffer.from(JSON.stringify(value))
  res.status(status)
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('Vary', 'Accept-Encoding')
  if (body.byteLength >= JSON_GZIP_MIN_BYTES && req.headers['accept-encoding'] !== undefined && req.acceptsEncodings('gzip') === 'gzip') {
    const zipped = await gzipAsync(body)
    res.setHeader('Content-Encoding', 'gzip')
    res.setHeader('Content-Length', zipped.byteLength)
    res.end(zipped)
    return
  }
  res.setHeader('Content-Length', body.byteLength)
  res.end(body)
}

const COMPRESSIBLE_APPLICATION = new Set([
  'application/json', 'application/xml', 'application/javascript', 'application/x-javascript', 'application/ecmascript',
  'application/x-sh', 'application/x-tex', 'application/rtf', 'application/sql', 'application/x-yaml', 'application/yaml',
  'application/toml', 'application/x-ndjson', 'application/wasm', 'application/postscript', 'application/x-httpd-php'
])

/** Whether a file is worth deflating in the zip, judged by its name's type. Unknown types are stored. */
export function isCompressible (name: string): boolean {
  const type = lookup(name)
  if (type === false) return false
  if (type.startsWith('text/')) return true
  if (type === 'image/svg+xml' || type === 'image/bmp' || type === 'image/x-ms-bmp') return true
  if (type.endsWith('+xml') || type.endsWith('+json')) return true
  return COMPRESSIBLE_APPLICATION.has(type)
}
