// One incoming transfer's life as an explicit state machine with exactly one terminal state (STYLE.md rule 19):
//
//   offered --accept--> accepted --answered--> streaming --every file verified--> done
//      |                   |                      |
//      +--decline--> declined                     +--(any failure)--> failed | cancelled
//      +--(withdrawn, timeout, bad frame)------------------------------> failed | cancelled
//
// The first terminal transition wins; later ones are ignored. Whoever may commit a file asks `canCommit`
// synchronously, right before the link, so nothing is committed once the transfer has ended; `ended` is aborted at
// the terminal transition, and every loop and stream of the transfer stops on it (late bytes are dropped).

import { CancelledError, type FerryError } from '../errors.ts'

export type ReceiveState = 'offered' | 'accepted' | 'streaming' | 'done' | 'failed' | 'cancelled' | 'declined'
export type TerminalState = Extract<ReceiveState, 'done' | 'failed' | 'cancelled' | 'declined'>

const TERMINAL: ReadonlySet<ReceiveState> = new Set(['done', 'failed', 'cancelled', 'declined'])

export class ReceiveLife {
  #state: ReceiveState = 'offered'
  #error: FerryError | undefined
  readonly #ended = new AbortController()
  readonly #settled: Promise<TerminalState>
  #settle!: (state: TerminalState) => void

  constructor () {
    this.#settled = new Promise((resolve) => { this.#settle = resolve })
  }

  get state (): ReceiveState {
    return this.#state
  }

  get terminal (): boolean {
    return TERMINAL.has(this.#state)
  }

  /** The failure that ended it (failed or cancelled). */
  get error (): FerryError | undefined {
    return this.#error
  }

  /** Aborted at the terminal transition. */
  get ended (): AbortSignal {
    return this.#ended.signal
  }

  /** Resolves with the terminal state once there is one. */
  get settled (): Promise<TerminalState> {
    return this.#settled
  }

  /** Whether a verified file may be linked into place now: only while the transfer streams. */
  canCommit (): boolean {
    return this.#state === 'streaming'
  }

  accept (): void {
    this.#move('offered', 'accepted')
  }

  /** The answer is out: data may flow. */
  streaming (): void {
    this.#move('accepted', 'streaming')
  }

  decline (): void {
    if (this.#state === 'offered') this.#end('declined')
  }

  /** Every accepted file was verified and committed. False if the transfer had already ended. */
  done (): boolean {
    if (this.#state !== 'streaming') return false
    this.#end('done')
    return true
  }

  /** Ends the transfer with `error` (a cancel is `cancelled`); false if it had already ended. */
  fail (error: FerryError): boolean {
    if (this.terminal) return false
    this.#error = error
    this.#end(error instanceof CancelledError ? 'cancelled' : 'failed')
    return true
  }

  #move (from: ReceiveState, to: ReceiveState): void {
    if (this.#state !== from) throw new Error(`A transfer that is ${this.#state} cannot become ${to}`)
    this.#state = to
  }

  #end (state: TerminalState): void {
    this.#state = state
    this.#ended.abort()
    this.#settle(state)
  }
}
