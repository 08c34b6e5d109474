// Writing a streamed body (a file, a zip) to a response with backpressure, where nothing can escape to the process:
// a failing source or a client that leaves ends in one rejected promise, and the response is destroyed rather than
// ended, so the browser sees a failed download instead of a complete one with the wrong bytes.

import { finished } from 'node:stream/promises'
import type { Response } from 'express'
import { ConnectionLostError } from '@ferry/p2p-core'

/** Waits until the response can take more, or rejects once its connection is gone. */
async function drained (res: Response): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const done = (): void => {
      res.off('drain', done)
      res.off('close', done)
      if (res.destroyed) reject(new ConnectionLostError('The browser closed the connection'))
      else resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

/**
 * Sends every piece of `body`, then ends the response; resolves once all of it reached the connection. Any failure
 * (the source throws, the client goes away) destroys the response and rejects with that failure. `sent` counts the
 * bytes handed to the connection.
 */
export async function sendBody (res: Response, body: AsyncIterable<Buffer>, sent: { bytes: number }): Promise<void> {
  // A response error after it was destroyed must never reach the process as an unhandled 'error' event.
  res.on('error', () => {})
  try {
    for await (const piece of body) {
      if (res.destroyed) throw new ConnectionLostError('The browser closed the connection')
      sent.bytes += piece.byteLength
      if (!res.write(piece)) await drained(res)
    }
    if (res.destroyed) throw new ConnectionLostError('The browser closed the connection')
    res.end()
    await finished(res)
  } catch (err) {
    res.destroy()
    throw err
  }
}
