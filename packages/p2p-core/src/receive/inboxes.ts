// The receiver's two inboxes: its control stream's frames and the connection's new streams, each read in one place
// so that a frame or stream waited for in one phase (the answer) is the next phase's first (the data loop).

import type { ControlChannel } from '../protocol/control-channel.ts'
import { controlSchema, type ControlMessage } from '../protocol/messages.ts'
import type { FerryConnection, FerryStream } from '../transport/types.ts'

/** Reads the control stream in one place, handing frames out in order. */
export class ControlInbox {
  readonly #control: ControlChannel
  #current: Promise<ControlMessage | null> | undefined

  constructor (control: ControlChannel) {
    this.#control = control
  }

  /** The next frame; calling again before it arrives returns the same promise. */
  async next (): Promise<ControlMessage | null> {
    this.#current ??= this.#control.receiveOrEnd(controlSchema)
    return await this.#current
  }

  consume (): void {
    this.#current = undefined
  }
}

/** Accepts the connection's streams in one place: a stream waited for before the answer is the data loop's first. */
export class StreamInbox {
  readonly #connection: FerryConnection
  #current: Promise<FerryStream> | undefined

  constructor (connection: FerryConnection) {
    this.#connection = connection
  }

  async next (): Promise<FerryStream> {
    if (this.#current === undefined) {
      this.#current = this.#connection.acceptStream()
      this.#current.catch(() => {})
    }
    return await this.#current
  }

  consume (): void {
    this.#current = undefined
  }
}
