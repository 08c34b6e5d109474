// Splits a long list (offered files, answers) into pieces whose JSON fits well inside one control frame.

import { FrameTooLargeError } from '../errors.ts'

const encoder = new TextEncoder()

/** Groups `items` so each group's JSON stays under half of `maxFrameBytes` (room for the frame's other fields). */
export function chunkForFrames<T> (items: readonly T[], maxFrameBytes: number): T[][] {
  const budget = Math.floor(maxFrameBytes / 2)
  const chunks: T[][] = []
  let current: T[] = []
  let bytes = 0
  for (const item of items) {
    const size = encoder.encode(JSON.stringify(item)).byteLength + 1
    if (size > budget) throw new FrameTooLargeError(`One entry of ${size} bytes does not fit in a frame of ${maxFrameBytes}`)
    if (bytes + size > budget && current.length > 0) {
      chunks.push(current)
      current = []
      bytes = 0
    }
    current.push(item)
    bytes += size
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}
