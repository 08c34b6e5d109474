// Reading an offer's file list (`offer-files` frames) into one list of sanitised files, within the limits: the count
// is checked from the `offer` header before any list is read, the paths' bytes per offer and across all offers held
// (ReceiveBudget) as each frame arrives, and every path goes through sanitizeRelativePath and the offer's
// collision set. Only one copy of the list is kept.

import { BadFrameError, BusyError, OfferTooLargeError } from '../errors.ts'
import type { FerryLimits } from '../limits.ts'
import type { ControlChannel } from '../protocol/control-channel.ts'
import { offerFilesSchema, type Offer } from '../protocol/messages.ts'
import { OfferedPaths, sanitizeRelativePath } from '../protocol/paths.ts'
import type { Deadline } from '../async/deadline.ts'
import type { OfferedFileInfo } from '../transfer/incoming-offer.ts'
import type { ReceiveBudget } from './receive-budget.ts'

const encoder = new TextEncoder()

export interface OfferList {
  files: OfferedFileInfo[]
  /** UTF-8 bytes of all paths, reserved in the budget: the caller releases them when the transfer ends. */
  pathBytes: number
}

export async function readOfferFiles (control: ControlChannel, offer: Offer, limits: FerryLimits, budget: ReceiveBudget, deadline: Deadline): Promise<OfferList> {
  if (offer.fileCount > limits.maxFilesPerOffer) {
    throw new OfferTooLargeError(`The offer has ${offer.fileCount} files; this device takes at most ${limits.maxFilesPerOffer}`)
  }
  if (offer.text !== undefined && encoder.encode(offer.text).byteLength > limits.maxTextBytes) {
    throw new OfferTooLargeError(`The text is longer than ${limits.maxTextBytes} bytes`)
  }
  const files: OfferedFileInfo[] = []
  const paths = new OfferedPaths()
  let total = 0
  let pathBytes = 0
  try {
    while (files.length < offer.fileCount) {
      const chunk = await deadline.wait(control.receive(offerFilesSchema), limits.idleTimeoutMs, 'The offer did not arrive in time')
      let chunkBytes = 0
      for (const file of chunk.files) chunkBytes += encoder.encode(file.path).byteLength
      if (pathBytes + chunkBytes > limits.maxOfferPathBytes) {
        throw new OfferTooLargeError(`The offer's paths take more than ${limits.maxOfferPathBytes} bytes`)
      }
      if (!budget.holdPathBytes(chunkBytes)) throw new BusyError('This device holds too many offered files at once; try again shortly')
      pathBytes += chunkBytes
      for (const file of chunk.files) {
        if (file.id !== files.length || files.length >= offer.fileCount) throw new BadFrameError('Offered file ids must run 0, 1, 2, ... up to the announced count')
        const parts = sanitizeRelativePath(file.path, limits)
        paths.add(parts)
        total += file.size
        files.push({ id: file.id, path: parts.join('/'), size: file.size, mtimeMs: file.mtimeMs })
      }
    }
    if (total !== offer.totalBytes) throw new BadFrameError('The offer\'s total does not match its files')
  } catch (err) {
    budget.releasePathBytes(pathBytes)
    throw err
  }
  return { files, pathBytes }
}
