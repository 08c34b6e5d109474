// Transfer protocol v1 messages (docs/protocol.md). Every frame from a peer is parsed with these schemas before any
// field is used; a frame that does not match is a BadFrameError.

import * as z from 'zod'
import { BadFrameError } from '../errors.ts'

/** The protocol id; its number changes whenever a message changes incompatibly. */
export const PROTOCOL_ID = '/ferry/transfer/1'

const transferId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/)
const fileId = z.number().int().nonnegative()
const byteCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
/** The latest mtime an offer may carry, in ms since 1970: the largest time a JavaScript Date holds. */
export const MAX_MTIME_MS = 8.64e15

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
  /** Whole ms from 0 to MAX_MTIME_MS (the sender clamps earlier times to 0). */
  mtimeMs: z.number().int().min(0).max(MAX_MTIME_MS)
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

/** A liveness probe (discovery): the receiver answers `pong` and both close. */
export const pingSchema = z.object({
  type: z.literal('ping')
})

export const pongSchema = z.object({
  type: z.literal('pong'),
  alias: z.string().max(64).optional(),
  deviceType: z.enum(deviceTypes).optional()
})

/** A PIN-derived Diffie-Hellman public value (RFC 3526 group 14): 256 bytes as lowercase hex. */
const pinKey = z.string().regex(/^[0-9a-f]{512}$/)
/** HMAC-SHA256 proof of the shared key, lowercase hex. */
const pinProof = z.string().regex(/^[0-9a-f]{64}$/)

/** Pairing, sender to receiver: its public value for the PIN exchange (docs/protocol.md, Pairing). */
export const pairRequestSchema = z.object({
  type: z.literal('pair-request'),
  key: pinKey
})

/** Pairing, receiver to sender: its public value and its proof of the shared key. */
export const pairChallengeSchema = z.object({
  type: z.literal('pair-challenge'),
  key: pinKey,
  proof: pinProof
})

/** Pairing, sender to receiver: the sender's proof of the shared key. */
export const pairConfirmSchema = z.object({
  type: z.literal('pair-confirm'),
  proof: pinProof
})

/** Pairing, receiver to sender: both proofs matched. */
export const pairResultSchema = z.object({
  type: z.literal('pair-result'),
  paired: z.literal(true),
  alias: z.string().max(64).optional(),
  deviceType: z.enum(deviceTypes).optional()
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
export type Ping = z.infer<typeof pingSchema>
export type Pong = z.infer<typeof pongSchema>
export type PairRequest = z.infer<typeof pairRequestSchema>
export type PairChallenge = z.infer<typeof pairChallengeSchema>
export type PairConfirm = z.infer<typeof pairConfirmSchema>
export type PairResult = z.infer<typeof pairResultSchema>

/** Every frame either side writes on a control stream. */
export type OutgoingMessage = Hello | Offer | OfferFiles | Answer | FileDone | Verified | Cancel | ErrorMessage
  | Ping | Pong | PairRequest | PairChallenge | PairConfirm | PairResult

/** The frame after `hello`: it says what the connection is for (a transfer, a liveness probe or pairing). */
export const intentSchema = z.discriminatedUnion('type', [offerSchema, pingSchema, pairRequestSchema])
export type Intent = z.infer<typeof intentSchema>

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
