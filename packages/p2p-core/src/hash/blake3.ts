// BLAKE3 on the calling thread, for small inputs where a round trip to a worker costs more than the hash itself.

import { Blake3Hasher, blake3 as nativeBlake3 } from '@napi-rs/blake-hash'

export function blake3 (data: Uint8Array): Uint8Array {
  return nativeBlake3(toBuffer(data))
}

export function blake3Hex (data: Uint8Array): string {
  return nativeBlake3(toBuffer(data)).toString('hex')
}

export { Blake3Hasher }

export function toBuffer (data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
}
