// Issue 16: one validator of FerryApi arguments. Electron main's IPC bridge allowed 10,000 paths of 32,768
// characters, the service 1,000 of 4,096, so a large selection passed the bridge and was refused behind it. One
// rule now, checked by both bridges (checkCall) and by the service itself: at most 10,000 paths a call, each at most
// 32,767 UTF-16 units (Windows' extended-length limit, the longest of the systems Ferry runs on).

import { afterEach, describe, expect, it } from 'vitest'
import { argumentLimits } from '../src/index.ts'
import { checkCall } from '../src/validate.ts'
import { startService, type TestService } from './helpers.ts'

const PEER = '12D3KooWQfRrLy2C7Jc6c7GHcFyvYT5Ahu5k6xPoMBRfAb7XYXBR'
const invalid = { code: 'FERRY_ERR_API_INVALID_ARGUMENT' }

/** `count` absolute paths, each exactly `length` characters long. */
const pathsOf = (count: number, length: number): string[] =>
  Array.from({ length: count }, (_, i) => `/${String(i).padStart(length - 1, 'x')}`)

describe('one validator of FerryApi arguments (issue 16)', () => {
  it('keeps the limits stated in the issue: 10,000 paths a call, 32,767 UTF-16 units a path', () => {
    expect(argumentLimits.maxPaths).toBe(10_000)
    expect(argumentLimits.maxPathLength).toBe(32_767)
  })

  it.each([
    { what: '1 path', count: 1, length: 10, ok: true },
    { what: '10,000 paths', count: 10_000, length: 10, ok: true },
    { what: '10,001 paths', count: 10_001, length: 10, ok: false },
    { what: 'a path of 32,767 units', count: 1, length: 32_767, ok: true },
    { what: 'a path of 32,768 units', count: 1, length: 32_768, ok: false }
  ])('a bridge checks sendFiles with $what (allowed: $ok)', ({ count, length, ok }) => {
    const call = (): unknown => checkCall('sendFiles', [PEER, pathsOf(count, length)])
    if (ok) expect(call).not.toThrow()
    else expect(call).toThrow(expect.objectContaining(invalid))
  })

  it('refuses unknown methods, properties of the service and too many arguments, as both bridges do', () => {
    for (const method of ['close', 'constructor', 'toString', 42]) expect(() => checkCall(method, [])).toThrow(expect.objectContaining(invalid))
    expect(() => checkCall('getState', [1])).toThrow(expect.objectContaining(invalid))
    expect(() => checkCall('setTrust', [PEER, 'trusted'])).not.toThrow()
    expect(checkCall('setTrust', [PEER, 'trusted']).args).toEqual([PEER, 'trusted', undefined])
  })

  describe('the service', () => {
    let svc: TestService | undefined
    afterEach(async () => { await svc?.close(); svc = undefined })

    it('takes 1,001 paths (the bridge\'s old limit was 10,000, the service\'s 1,000) and gets as far as the unknown device', async () => {
      svc = await startService()
      await expect(svc.service.sendFiles(PEER, pathsOf(1_001, 20))).rejects.toMatchObject({ code: 'FERRY_ERR_API_NOT_FOUND' })
      await expect(svc.service.sendFiles(PEER, pathsOf(10_001, 20))).rejects.toMatchObject(invalid)
      await expect(svc.service.createShare({ paths: pathsOf(1, 5_000), pin: false, expiresInMs: 60_000, allowUpload: false }))
        .rejects.not.toMatchObject(invalid)
    })
  })
})
