// "Wait at most N ms", written once (issue 16): withTimeout fails with the engine's TimeoutError, settleWithin
// only ends the wait.

import { describe, expect, it } from 'vitest'
import { TimeoutError, settleWithin, withTimeout } from '../src/index.ts'

const never = new Promise<never>(() => {})
const later = async <T>(ms: number, value: T): Promise<T> => await new Promise((resolve) => setTimeout(() => { resolve(value) }, ms))

describe('withTimeout', () => {
  it('settles as the promise does when it is in time', async () => {
    expect(await withTimeout(later(5, 'answer'), 1_000, 'no answer')).toBe('answer')
    await expect(withTimeout(Promise.reject(new Error('refused')), 1_000, 'no answer')).rejects.toThrow('refused')
  })

  it('rejects with TimeoutError (FERRY_ERR_TIMEOUT) and the message given when time runs out first', async () => {
    const error = await withTimeout(never, 20, 'The peer opened no stream').catch((err: unknown) => err)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error).toMatchObject({ code: 'FERRY_ERR_TIMEOUT', message: 'The peer opened no stream' })
  })
})

describe('settleWithin', () => {
  it('is true when the promise settles in time, either way, and never rejects', async () => {
    expect(await settleWithin(later(5, 1), 1_000)).toBe(true)
    expect(await settleWithin(Promise.reject(new Error('failed')), 1_000)).toBe(true)
  })

  it('is false once the time is up, and at once for no time at all', async () => {
    expect(await settleWithin(never, 30)).toBe(false)
    expect(await settleWithin(never, 0)).toBe(false)
    expect(await settleWithin(never, -5)).toBe(false)
  })

  it('rejects with the signal\'s reason when its signal aborts, before or during the wait', async () => {
    const controller = new AbortController()
    const waiting = settleWithin(never, 60_000, { signal: controller.signal })
    controller.abort(new Error('stopped'))
    await expect(waiting).rejects.toThrow('stopped')
    await expect(settleWithin(never, 60_000, { signal: controller.signal })).rejects.toThrow('stopped')
    await expect(settleWithin(never, 0, { signal: controller.signal })).rejects.toThrow('stopped')
  })
})
