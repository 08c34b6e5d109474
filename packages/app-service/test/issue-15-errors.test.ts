// Issue 15: failures a user meets get Ferry's typed errors, not FERRY_ERR_INTERNAL. Adding an address where nothing
// answers is FERRY_ERR_UNREACHABLE naming the address (it was an untyped timeout, "Something went wrong inside
// Ferry"); a file or folder that cannot be read is FERRY_ERR_SOURCE_NOT_FOUND naming the path (it was a raw
// `EACCES ... scandir`). apps/cli/test/issue-15-cli.test.ts shares a folder with an unreadable part as another user.

import { afterEach, describe, expect, it } from 'vitest'
import { sourceError, readingSources } from '../src/source-errors.ts'
import { startService, type TestService } from './helpers.ts'

const open: TestService[] = []
afterEach(async () => { await Promise.all(open.splice(0).map(async (s) => { await s.close() })) })

describe('errors a user meets (issue 15)', () => {
  it('adding an address where no Ferry answers fails with FERRY_ERR_UNREACHABLE, naming the address', async () => {
    const a = await startService()
    open.push(a)
    await expect(a.service.addPeerByAddress('127.0.0.1:9')).rejects.toMatchObject({
      code: 'FERRY_ERR_UNREACHABLE', message: expect.stringMatching(/^No Ferry device answered at 127\.0\.0\.1:9 within \d+ s$/)
    })
  })

  it('a filesystem error about a path becomes FERRY_ERR_SOURCE_NOT_FOUND naming it; others pass through', async () => {
    const denied = Object.assign(new Error("EACCES: permission denied, scandir '/root'"), { code: 'EACCES', path: '/root', syscall: 'scandir' })
    await expect(readingSources('Cannot share that', async () => { throw denied })).rejects.toMatchObject({
      code: 'FERRY_ERR_SOURCE_NOT_FOUND', message: 'Cannot share that: Ferry cannot read /root (permission denied)', cause: denied
    })
    const other = new RangeError('not a file error')
    expect(sourceError(other, 'x')).toBe(other)
  })
})
