// The FerryApi events (`onXxx`): typed listener sets. Each payload is copied as JSON (listeners cannot change the
// app's state through it) and delivered on a later turn of the event loop, so a slow or throwing listener never
// runs on the engine's path. Bridges bound their own buffers (ws-bridge.ts).

import type { FerryEventMap, FerryEventName, Unsubscribe } from '@ferry/api'
import type { Logger } from '@ferry/p2p-core'

export class EventHub {
  readonly #listeners = new Map<FerryEventName, Set<(payload: never) => void>>()
  readonly #logger: Logger
  #closed = false

  constructor (logger: Logger) {
    this.#logger = logger
  }

  on<E extends FerryEventName> (event: E, listener: (payload: FerryEventMap[E]) => void): Unsubscribe {
    let set = this.#listeners.get(event)
    if (set === undefined) this.#listeners.set(event, set = new Set())
    const entry = listener as (payload: never) => void
    set.add(entry)
    return () => { set.delete(entry) }
  }

  emit<E extends FerryEventName> (event: E, payload: FerryEventMap[E]): void {
    if (this.#closed) return
    const listeners = [...(this.#listeners.get(event) ?? [])]
    if (listeners.length === 0) return
    const json = JSON.stringify(payload)
    setImmediate(() => {
      for (const listener of listeners) {
        try {
          (listener as (p: unknown) => void)(JSON.parse(json))
        } catch (err) {
          this.#logger.warn(`a ${event} listener threw`, err)
        }
      }
    })
  }

  close (): void {
    this.#closed = true
    this.#listeners.clear()
  }
}
