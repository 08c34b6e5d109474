// The upload protocol spoken over the share's WebSocket (`/s/:token/upload`), version `ferry-share-upload/1`.
// Control messages are JSON text frames; file bytes are binary frames of at most `maxFrameBytes`. The server grants
// credit (`answer.creditBytes`, then `ack`s for what is written, each covering one or more frames); the browser
// never has more unacknowledged bytes in flight than its credit, so it cannot outrun the disk. docs/http-share.md
// has the full sequence.

import { UploadProtocolError } from './errors.ts'

export const UPLOAD_PROTOCOL = 'ferry-share-upload/1'

export interface OfferedUpload {
  /** Relative path as the browser names it (a file's name, or a path inside a dropped folder). */
  path: string
  size: number
  /** The browser's File.lastModified, in ms; 0 when unknown. */
  lastModified: number
}

/** Browser -> server. */
export type ClientMessage =
  | { type: 'offer', alias?: string, files: OfferedUpload[] }
  | { type: 'file', id: number }
  | { type: 'file-end', id: number, blake3: string }
  | { type: 'cancel' }

/** Server -> browser. */
export type ServerMessage =
  | { type: 'hello', protocol: string, maxFrameBytes: number, maxUploadFiles: number, maxUploadBytes: number }
  | { type: 'waiting' }
  | { type: 'answer', accepted: true, files: number[], creditBytes: number }
  | { type: 'answer', accepted: false }
  | { type: 'ack', bytes: number }
  | { type: 'verified', id: number, savedAs: string, blake3: string }
  | { type: 'done', files: number, bytes: number }
  | { type: 'error', code: string, message: string }

const HEX64 = /^[0-9a-f]{64}$/

function fail (message: string): never {
  throw new UploadProtocolError(message)
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function count (value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(`${what} must be a whole number of at least 0`)
  return value
}

/** Parses one text frame from the browser; throws UploadProtocolError on anything else. */
export function parseClientMessage (text: string): ClientMessage {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    fail('A text frame is not JSON')
  }
  if (!isRecord(value)) fail('A text frame is not a JSON object')
  switch (value.type) {
    case 'offer': {
      if (!Array.isArray(value.files)) fail('offer.files must be a list')
      const files = value.files.map((f: unknown, i: number): OfferedUpload => {
        if (!isRecord(f) || typeof f.path !== 'string') fail(`offer.files[${i}] needs a path`)
        const lastModified = f.lastModified === undefined ? 0 : count(Math.floor(Number(f.lastModified)), `offer.files[${i}].lastModified`)
        return { path: f.path, size: count(f.size, `offer.files[${i}].size`), lastModified }
      })
      const alias = typeof value.alias === 'string' ? value.alias : undefined
      return alias === undefined ? { type: 'offer', files } : { type: 'offer', alias, files }
    }
    case 'file':
      return { type: 'file', id: count(value.id, 'file.id') }
    case 'file-end': {
      if (typeof value.blake3 !== 'string' || !HEX64.test(value.blake3)) fail('file-end.blake3 must be 64 lower-case hex digits')
      return { type: 'file-end', id: count(value.id, 'file-end.id'), blake3: value.blake3 }
    }
    case 'cancel':
      return { type: 'cancel' }
    default:
      fail(`Unknown message type ${JSON.stringify(value.type)}`)
  }
}
