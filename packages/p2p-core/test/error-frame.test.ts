import { describe, expect, it } from 'vitest'
import { DiskError, InvalidPathError, NoSpaceError } from '../src/errors.ts'
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

  it('tell the peer the code of a local disk failure, never its folders or free bytes (issue 13)', () => {
    const full = errorFrame(new NoSpaceError('Only 1,024 bytes free in /home/alice/Downloads; 5 GB needed'))
    const disk = errorFrame(new DiskError('EACCES: permission denied, open \'/home/alice/Downloads/.ferry-1.part\''))
    expect(full.code).toBe('FERRY_ERR_NO_SPACE')
    expect(disk.code).toBe('FERRY_ERR_DISK')
    for (const frame of [full, disk]) {
      expect(frame.message).not.toMatch(/alice|Downloads|1,024|\.part/)
      expect(frame.message.length).toBeGreaterThan(0)
    }
  })
})
