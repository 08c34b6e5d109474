// Reading an offer's file list (`offer-files` frames) into one list of sanitised files, within the limits: the count
// is checked from the `offer` header before any list is read, the paths' bytes per offer and across all offers held
// (ReceiveBudget) as each frame arrives, and every path goes through sanitizeRelativePath and the offer's
// collision set. Only one copy of the list is kept.

import * as z from 'zod'
import { BadFrameError, BusyError, CancelledError, OfferTooLargeError, errorFromJson } from '../errors.ts'
import type { FerryLimits } from '../limits.ts'
import type { ControlChannel } from '../protocol/control-channel.ts'
import { cancelSchema, errorSchema, offerFilesSchema, type Offer } from '../protocol/messages.ts'
import { OfferedPaths, sanitizeRelativePath, utf8ByteLength } from '../protocol/paths.ts'
import type { Deadline } from '../async/deadline.ts'
import type { OfferedFileInfo } from '../transfer/incoming-offer.ts'
import { OFFER_FILE_BYTES, type ReceiveBudget } from './receive-budget.ts'

/** While its list arrives, the sender may still withdraw the offer or report an error. */
const offerListSchema = z.discriminatedUnion('type', [offerFilesSchema, cancelSchema, errorSchema])

export interface OfferList {
  files: OfferedFileInfo[]
  /** UTF-8 bytes of all paths, reserved in the budget: the caller releases them when the transfer ends. */
  pathBytes: number
}

export async function readOfferFiles (control: ControlChannel, offer: Offer, limits: FerryLimits, budget: ReceiveBudget, deadline: Deadline): Promise<OfferList> {
  if (offer.fileCount > limits.maxFilesPerOffer) {
    throw new OfferTooLargeError(`The offer has ${offer.fileCount} files; this device takes at most ${limits.maxFilesPerOffer}`)
  }
  if (offer.text !== undefined && utf8ByteLength(offer.text) > limits.maxTextBytes) {
    throw new OfferTooLargeError(`The text is longer than ${limits.maxTextBytes} bytes`)
  }
  const files: OfferedFileInfo[] = []
  const paths = new OfferedPaths()
  let total = 0
  /** UTF-8 bytes of this offer's paths so far (maxOfferPathBytes). */
  let offerPathBytes = 0
  /** What this offer holds in the budget so far. */
  let pathBytes = 0
  try {
    while (files.length < offer.fileCount) {
      const chunk = await deadline.wait(control.receive(offerListSchema), limits.idleTimeoutMs, 'The offer did not arrive in time')
      if (chunk.type === 'cancel') throw new CancelledError('The sender withdrew the offer')
      if (chunk.type === 'error') throw errorFromJson(chunk)
      let chunkPathBytes = 0
      for (const file of chunk.files) chunkPathBytes += utf8ByteLength(file.path)
      if (offerPathBytes + chunkPathBytes > limits.maxOfferPathBytes) {
        throw new OfferTooLargeError(`The offer's paths take more than ${limits.maxOfferPathBytes} bytes`)
      }
      offerPathBytes += chunkPathBytes
      const held = chunkPathBytes + chunk.files.length * OFFER_FILE_BYTES
      if (!budget.holdPathBytes(held)) throw new BusyError('This device holds too many offered files at once; try again shortly')
      pathBytes += held
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
