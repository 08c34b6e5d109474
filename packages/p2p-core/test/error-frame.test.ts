import { describe, expect, it } from 'vitest'
import { InvalidPathError } from '../src/errors.ts'
import { errorSchema } from '../src/protocol/messages.ts'
import { MAX_ERROR_MESSAGE, errorFrame } from '../src/protocol/error-frame.ts'

describe('error frames', () => {
  it('keep the stable code and cut a long message so the peer\'s schema still accepts it', () => {
    const frame = errorFrame(new InvalidPathError(`Forbidden character in ${JSON.stringify('\u0001'.repeat(3000))}`))
    expect(frame.code).toBe('FERRY_ERR_INVALID_PATH')
    expect(frame.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE)
    expect(errorSchema.safeParse(frame).success).toBe(true)
  })

  it('turn an untyped failure into a typed one', () => {
    expect(errorFrame(new Error('boom'))).toMatchObject({ code: 'FERRY_ERR_CONNECTION_LOST', message: 'boom' })
  })
})
