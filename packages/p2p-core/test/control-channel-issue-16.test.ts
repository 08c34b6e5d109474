// Issue 16: ControlChannel.finish() waits on the write loop's promise; it used to poll with setImmediate until the
// loop was done, one turn of the event loop after another for as long as a slow write took.

import { afterEach, describe, expect, it, vi } from 'vitest'
import { ControlChannel } from '../src/protocol/control-channel.ts'
import type { FerryStream } from '../src/transport/types.ts'

/** A stream whose writes each take `ms`, and which records what happened in order. */
function slowStream (ms: number, events: string[]): FerryStream {
  return {
    read: async () => null,
    write: async (data) => {
      events.push(`write ${data.byteLength}`)
      await new Promise((resolve) => setTimeout(resolve, ms))
    },
    finish: async () => { events.push('finish') },
    reset: () => { events.push('reset') }
  }
}

describe('ControlChannel.finish (issue 16)', () => {
  afterEach(() => { vi.restoreAllMocks() })

  it('ends the stream only after every queued frame is written, without polling the event loop', async () => {
    const events: string[] = []
    const control = new ControlChannel(slowStream(100, events), 1024 * 1024)
    const immediate = vi.spyOn(globalThis, 'setImmediate')
    const first = control.send({ type: 'cancel', reason: 'one' })
    const second = control.send({ type: 'cancel', reason: 'two' })
    await control.finish()
    await Promise.all([first, second])
    // The first frame went alone; the second, queued behind it, in the next write; then FIN.
    expect(events).toEqual([expect.stringMatching(/^write /), expect.stringMatching(/^write /), 'finish'])
    expect(immediate).not.toHaveBeenCalled()
  })

  it('ends the stream at once when nothing is queued, and after a failed write too', async () => {
    const events: string[] = []
    const control = new ControlChannel({ ...slowStream(0, events), write: async () => { throw new Error('gone') } }, 1024 * 1024)
    await control.finish()
    expect(events).toEqual(['finish'])
    await expect(control.send({ type: 'cancel', reason: 'late' })).rejects.toThrow('gone')
    await control.finish()
    expect(events).toEqual(['finish', 'finish'])
  })
})

describe('ControlChannel.sendLast', () => {
  it('sends one last frame: a second call (the error told early, then again at the end) sends nothing', async () => {
    const events: string[] = []
    const control = new ControlChannel(slowStream(20, events), 1024 * 1024)
    const first = control.sendLast({ type: 'error', name: 'DiskError', code: 'FERRY_ERR_DISK', message: 'full' })
    await control.sendLast({ type: 'error', name: 'DiskError', code: 'FERRY_ERR_DISK', message: 'full' })
    await first
    await control.finish()
    expect(events).toEqual([expect.stringMatching(/^write /), 'finish'])
  })
})
