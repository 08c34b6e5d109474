// A sender that speaks the transfer protocol by hand (docs/protocol.md), so a test can do what no honest FerryNode
// would: open more data streams than the receiver takes, leave a data stream's header unfinished, and so on. It
// offers files, reads the answer, and from then on records every control frame the receiver sends.

import { generateKeyPair } from '@libp2p/crypto/keys'
import { PROTOCOL_ID, createQuicTransport, identityFromKey, type FerryStream, type PeerAddress } from '../../src/index.ts'
import { blake3Hex } from '../../src/hash/blake3.ts'
import { FrameReader, encodeFrame } from '../../src/protocol/frames.ts'

export interface HandFile {
  path: string
  data: Uint8Array
}

type Frame = Record<string, unknown>

export interface RawSender {
  transferId: string
  /** The receiver's answer: [file id, resume offset] for each accepted file, over all answer frames. */
  answer: Array<[number, number]>
  /** Every control frame the receiver sent after its answer, in order. */
  replies: Frame[]
  /** The first reply (also one already seen) that `match` accepts; rejects after `timeoutMs` or when the stream ends. */
  reply: (match: (frame: Frame) => boolean, timeoutMs: number) => Promise<Frame>
  /** Writes one control frame. */
  send: (message: Frame) => Promise<void>
  /** Opens a data stream without writing anything on it. */
  openData: () => Promise<FerryStream>
  close: () => Promise<void>
}

export const frame = (message: unknown): Uint8Array => encodeFrame(message, 1 << 20)
/** Reads whole frames from a stream, as the engine does. */
export function frames (stream: FerryStream): () => Promise<Record<string, unknown> | null> {
  const reader = new FrameReader(stream, { maxFrameBytes: 1 << 20 })
  return async () => await reader.readFrame()
}
export const dataHeader = (transferId: string): Uint8Array => frame({ type: 'data', transferId })
export const dataItem = (id: number, offset: number, length: number): Uint8Array => frame({ id, offset, length })
export const fileDone = (id: number, data: Uint8Array): Frame => ({ type: 'file-done', id, blake3: blake3Hex(data) })

/** Dials `address`, offers `files` and waits for the receiver's (last) answer frame; throws unless it accepted. */
export interface OfferByHandOptions {
  answerTimeoutMs?: number
  /** Runs before the sender dials, with the peer id it will prove (e.g. to prepare the receiver's disk). */
  beforeOffer?: (peerId: string) => Promise<void>
  /** Runs once the offer is out, while the answer is awaited (e.g. to open a data stream too early). */
  beforeAnswer?: (openData: () => Promise<FerryStream>, transferId: string) => Promise<void>
}

export async function offerByHand (address: PeerAddress, files: HandFile[], options: OfferByHandOptions = {}): Promise<RawSender> {
  const identity = identityFromKey(await generateKeyPair('Ed25519'))
  const transport = await createQuicTransport({ identity })
  const transferId = `hostile-${Math.random().toString(36).slice(2, 12)}`
  try {
    await options.beforeOffer?.(identity.peerId)
    const connection = await transport.dial(address)
    const control = await connection.openStream()
    const totalBytes = files.reduce((n, f) => n + f.data.byteLength, 0)
    await control.write(frame({ type: 'hello', protocol: PROTOCOL_ID, transferId }))
    await control.write(frame({ type: 'offer', fileCount: files.length, totalBytes }))
    await control.write(frame({
      type: 'offer-files',
      files: files.map((f, id) => ({ id, path: f.path, size: f.data.byteLength, mtimeMs: 0 }))
    }))

    const reader = new FrameReader(control, { maxFrameBytes: 1 << 20 })
    const early = options.beforeAnswer?.(async () => await connection.openStream(), transferId)
    early?.catch(() => {})
    const answer: Array<[number, number]> = []
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => { reject(new Error('no answer in time')) }, options.answerTimeoutMs ?? 10_000)
    })
    try {
      for (let n = 0; n < 1000; n++) {
        const frame = await Promise.race([reader.readFrame(), late])
        if (frame?.type !== 'answer' || frame.accepted !== true) throw new Error(`the offer was not accepted: ${JSON.stringify(frame)}`)
        answer.push(...(frame.files as Array<[number, number]>))
        if (frame.done === true) break
      }
    } finally {
      clearTimeout(timer)
    }

    const replies: Frame[] = []
    const waiters = new Set<() => void>()
    let ended = false
    void (async () => {
      try {
        // Bounded by the stream: it ends (null) or fails when either side closes the connection.
        for (;;) {
          const next = await reader.readFrame()
          if (next === null) break
          replies.push(next)
          for (const wake of waiters) wake()
        }
      } catch { /* the connection went; `ended` says so */ }
      ended = true
      for (const wake of waiters) wake()
    })()

    return {
      transferId,
      answer,
      replies,
      async reply (match, timeoutMs) {
        const until = Date.now() + timeoutMs
        for (;;) {
          const found = replies.find(match)
          if (found !== undefined) return found
          if (ended) throw new Error(`the control stream ended without the awaited frame; replies: ${JSON.stringify(replies)}`)
          const left = until - Date.now()
          if (left <= 0) throw new Error(`no awaited frame within ${timeoutMs} ms; replies: ${JSON.stringify(replies)}`)
          await new Promise<void>((resolve) => {
            const wake = (): void => { clearTimeout(timer); waiters.delete(wake); resolve() }
            const timer = setTimeout(wake, left)
            waiters.add(wake)
          })
        }
      },
      async send (message) { await control.write(frame(message)) },
      async openData () { return await connection.openStream() },
      async close () { await transport.close() }
    }
  } catch (err) {
    await transport.close()
    throw err
  }
}

/**
 * Whether the receiver reset `stream` (it writes nothing on a data stream and finishes its side only once it has read
 * the stream to its end, so any other end of its side within `withinMs` is a reset): "CODE: message" as the
 * transport reports it, "read end of stream, ..." for a finish, or null if the stream stayed open.
 */
export async function resetCode (stream: FerryStream, withinMs: number): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined
  const open = new Promise<null>((resolve) => { timer = setTimeout(() => { resolve(null) }, withinMs) })
  try {
    return await Promise.race([
      stream.read(1).then(
        (bytes) => `read ${bytes === null ? 'end of stream' : `${bytes.byteLength} bytes`}, not a reset`,
        (err: unknown) => `${String((err as { code?: unknown }).code)}: ${(err as Error).message}`
      ),
      open
    ])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Dials `address` with a fresh key, writes `frames` on a control stream as they are (no checks: an attacker's
 * frames), finishes it, and returns every frame the receiver sent back until it closed.
 */
export async function speakByHand (address: PeerAddress, frames: unknown[], options: { alias?: string } = {}): Promise<Frame[]> {
  const transport = await createQuicTransport({ identity: identityFromKey(await generateKeyPair('Ed25519')) })
  try {
    const connection = await transport.dial(address)
    const control = await connection.openStream()
    const transferId = `hostile-${Math.random().toString(36).slice(2, 12)}`
    await control.write(frame({ type: 'hello', protocol: PROTOCOL_ID, transferId, ...(options.alias === undefined ? {} : { alias: options.alias }) }))
    for (const message of frames) await control.write(frame(message))
    await control.finish()
    const reader = new FrameReader(control, { maxFrameBytes: 1 << 20 })
    const replies: Frame[] = []
    // Bounded by the stream: the receiver ends it (null) or the connection fails.
    for (;;) {
      const reply = await reader.readFrame().catch(() => null)
      if (reply === null) return replies
      replies.push(reply)
    }
  } finally {
    await transport.close()
  }
}
