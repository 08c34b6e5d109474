// The flow control of one browser upload (docs/http-share.md, "Credit"): the credit the browser spends with each
// binary frame and gets back in acks once the bytes are on disk, and the backlog of frames to write and messages to
// send, past which the socket is not read. The upload session owns one and tells it what happens; it decides when an
// ack is due and when the socket is paused or read again.

import type { WebSocket } from 'ws'
import { UploadProtocolError } from './errors.ts'
import type { ShareLimits } from './limits.ts'

type CreditLimits = Pick<ShareLimits, 'uploadWindowBytes' | 'maxFrameBytes' | 'maxUploadBacklog'>

export class UploadCredit {
  readonly #socket: Pick<WebSocket, 'isPaused' | 'pause' | 'resume'>
  readonly #limits: CreditLimits
  readonly #sendAck: (bytes: number) => void
  /** Bytes the browser has sent that no ack has returned yet (its credit spent). */
  #unacked = 0
  /** Bytes written and hashed that the next ack returns, and the frames they came in. */
  #toAck = 0
  #framesToAck = 0
  /** Tasks queued or running (frames to write, files to open or end). */
  #backlog = 0
  /** Messages handed to ws that have not reached the kernel yet (the browser is not reading them). */
  #unsent = 0

  constructor (socket: Pick<WebSocket, 'isPaused' | 'pause' | 'resume'>, limits: CreditLimits, sendAck: (bytes: number) => void) {
    this.#socket = socket
    this.#limits = limits
    this.#sendAck = sendAck
  }

  /** A binary frame of `bytes` arrived: it spends that much credit; a frame beyond the credit is refused. */
  spend (bytes: number): void {
    const window = this.#limits.uploadWindowBytes
    if (this.#unacked + bytes > window) throw new UploadProtocolError(`The browser sent more than its credit of ${window} bytes`)
    this.#unacked += bytes
  }

  /** A frame's `bytes` are written and hashed: an ack may return them. */
  written (bytes: number): void {
    this.#toAck += bytes
    this.#framesToAck++
  }

  /** A task (a frame to write, a file to open or end) is queued. */
  taskQueued (): void {
    this.#backlog++
    this.#throttle()
  }

  /** A task has ended: an ack goes if one is due and `mayAck` (the upload still receives), and the socket may be read again. */
  taskEnded (mayAck: boolean): void {
    this.#backlog--
    if (mayAck) this.#maybeAck()
    this.#throttle()
  }

  /** A message is handed to ws. */
  messageQueued (): void {
    this.#unsent++
    this.#throttle()
  }

  /** A message handed to ws has reached the kernel, or the socket is gone. */
  messageSent (): void {
    this.#unsent--
    this.#throttle()
  }

  /**
   * Returns the credit of what is written, once no task waits behind the one that ended (the browser may be waiting
   * for credit, so the ack goes at once), once a quarter of the window has gathered, or once half of
   * `maxUploadBacklog` frames have: one ack then covers several frames while the browser keeps sending, and each ack
   * is a message and a socket write on both sides. The frame count keeps acks going to a client that floods tiny or
   * empty frames, so a write soon finds out when it has gone and its backlog is not written for nothing.
   */
  #maybeAck (): void {
    if (this.#framesToAck === 0) return
    const { uploadWindowBytes, maxFrameBytes, maxUploadBacklog } = this.#limits
    if (this.#backlog > 0 && this.#toAck < Math.max(maxFrameBytes, Math.floor(uploadWindowBytes / 4)) &&
      this.#framesToAck < Math.max(1, Math.floor(maxUploadBacklog / 2))) return
    const bytes = this.#toAck
    this.#toAck = 0
    this.#framesToAck = 0
    this.#unacked -= bytes
    this.#sendAck(bytes)
  }

  /**
   * The credit bounds bytes, not frames: a million 1-byte frames (or empty ones, which spend no credit) would each
   * queue a write, and a browser that does not read would leave an ack for each in the socket's buffer. So the
   * socket is not read while `maxUploadBacklog` frames wait to be written or messages wait to be sent, and is read
   * again once half of them are done; TCP then holds the browser back.
   */
  #throttle (): void {
    const max = this.#limits.maxUploadBacklog
    if (this.#backlog >= max || this.#unsent >= max) {
      if (!this.#socket.isPaused) this.#socket.pause()
    } else if (this.#socket.isPaused && this.#backlog <= max / 2 && this.#unsent <= max / 2) {
      this.#socket.resume()
    }
  }
}
