import { describe, expect, it } from 'vitest'
import { CancelledError, FerryError, HashMismatchError, PeerDeclinedError, errorCodes, errorFromJson } from '../src/errors.ts'
import { defaultLimits, resolveLimits } from '../src/limits.ts'

describe('errors', () => {
  it('carry a stable code, a name and a default message', () => {
    const err = new PeerDeclinedError()
    expect(err).toBeInstanceOf(FerryError)
    expect(err.code).toBe('FERRY_ERR_PEER_DECLINED')
    expect(err.name).toBe('PeerDeclinedError')
    expect(err.message).toMatch(/declined/)
  })

  it('survive the wire as { name, code, message } and come back as the same class', () => {
    const json = JSON.parse(JSON.stringify(new HashMismatchError('file a.txt')))
    expect(json).toEqual({ name: 'HashMismatchError', code: 'FERRY_ERR_HASH_MISMATCH', message: 'file a.txt' })
    const back = errorFromJson(json)
    expect(back).toBeInstanceOf(HashMismatchError)
    expect(back.message).toBe('file a.txt')
  })

  it('keep an unknown code from a newer peer', () => {
    expect(errorFromJson({ name: 'X', code: 'FERRY_ERR_FUTURE', message: 'm' }).code).toBe('FERRY_ERR_FUTURE')
  })

  it('all have distinct codes with the FERRY_ERR_ prefix', () => {
    expect(new Set(errorCodes).size).toBe(errorCodes.length)
    for (const code of errorCodes) expect(code).toMatch(/^FERRY_ERR_[A-Z_]+$/)
    expect(errorCodes).toContain(CancelledError.code)
  })
})

describe('limits', () => {
  it('fill in defaults and keep overrides', () => {
    expect(resolveLimits({ filesInFlight: 2 })).toEqual({ ...defaultLimits, filesInFlight: 2 })
  })

  it('refuse nonsense values with a clear error', () => {
    expect(() => resolveLimits({ chunkBytes: 0 })).toThrow(/chunkBytes/)
    expect(() => resolveLimits({ smallFileBytes: 2, chunkBytes: 1 })).toThrow(/smallFileBytes/)
  })
})
