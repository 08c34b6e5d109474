// Transfer protocol v1 messages (docs/protocol.md). Every frame from a peer is parsed with these schemas before any
// field is used; a frame that does not match is a BadFrameError.

import { z } from 'zod'
import { BadFrameError } from '../errors.ts'

/** The protocol id; its number changes whenever a message changes incompatibly. */
export const PROTOCOL_ID = '/ferry/transfer/1'

const transferId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/)
const fileId = z.number().int().nonnegative()
const byteCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)

export const deviceTypes = ['desktop', 'laptop', 'phone', 'server', 'unknown'] as const
export type DeviceType = typeof deviceTypes[number]

export const helloSchema = z.object({
  type: z.literal('hello'),
  protocol: z.string().max(64),
  transferId,
  alias: z.string().max(64).optional(),
  deviceType: z.enum(deviceTypes).optional()
})

export const offerSchema = z.object({
  type: z.literal('offer'),
  fileCount: z.number().int().nonnegative(),
  totalBytes: byteCount,
  text: z.string().optional()
})

export const offeredFileSchema = z.object({
  id: fileId,
  path: z.string(),
  size: byteCount,
  mtimeMs: z.number().min(-8.64e15).max(8.64e15)
})

export const offerFilesSchema = z.object({
  type: z.literal('offer-files'),
  files: z.array(offeredFileSchema)
})

export const answerSchema = z.object({
  type: z.literal('answer'),
  accepted: z.boolean(),
  /** [file id, resume offset] for each accepted file; files not listed are declined. */
  files: z.array(z.tuple([fileId, byteCount])),
  done: z.boolean()
})

export const fileDoneSchema = z.object({
  type: z.literal('file-done'),
  id: fileId,
  blake3: z.string().regex(/^[0-9a-f]{64}$/)
})

export const verifiedSchema = z.object({
  type: z.literal('verified'),
  ids: z.array(fileId)
})

export const cancelSchema = z.object({
  type: z.literal('cancel'),
  reason: z.string().max(1024).optional()
})

export const errorSchema = z.object({
  type: z.literal('error'),
  name: z.string().max(64).optional(),
  code: z.string().max(64),
  message: z.string().max(4096)
})

/** First frame of every data stream; file items follow it. */
export const dataHeaderSchema = z.object({
  type: z.literal('data'),
  transferId
})

/** One file's bytes on a data stream: `length` raw bytes of file `id`, starting at `offset`, follow this frame. */
export const dataItemSchema = z.object({
  id: fileId,
  offset: byteCount,
  length: byteCount
})

export type Hello = z.infer<typeof helloSchema>
export type Offer = z.infer<typeof offerSchema>
export type OfferedFile = z.infer<typeof offeredFileSchema>
export type OfferFiles = z.infer<typeof offerFilesSchema>
export type Answer = z.infer<typeof answerSchema>
export type FileDone = z.infer<typeof fileDoneSchema>
export type Verified = z.infer<typeof verifiedSchema>
export type Cancel = z.infer<typeof cancelSchema>
export type ErrorMessage = z.infer<typeof errorSchema>
export type DataHeader = z.infer<typeof dataHeaderSchema>
export type DataItem = z.infer<typeof dataItemSchema>

/** Every frame either side writes on a control stream. */
export type OutgoingMessage = Hello | Offer | OfferFiles | Answer | FileDone | Verified | Cancel | ErrorMessage

/** Messages that may arrive on a control stream after the offer. */
export const controlSchema = z.discriminatedUnion('type', [
  answerSchema, fileDoneSchema, verifiedSchema, cancelSchema, errorSchema, offerFilesSchema
])
export type ControlMessage = z.infer<typeof controlSchema>

/** Parses a frame with a schema, turning a mismatch into a BadFrameError that names the first problem. */
export function parseMessage<T> (schema: z.ZodType<T>, frame: unknown): T {
  const result = schema.safeParse(frame)
  if (!result.success) {
    const issue = result.error.issues[0]
    const where = issue?.path.join('.') ?? ''
    throw new BadFrameError(`Unexpected frame: ${where === '' ? '' : `${where}: `}${issue?.message ?? 'invalid'}`)
  }
  return result.data
}
