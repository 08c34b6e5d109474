// Issue 14, never crash: the share server runs in a process of its own while its shared files shrink, change and
// turn into links under running downloads and zips. Each of those downloads must fail (the browser sees it), and the
// process must still be alive and serving afterwards: no error of one response may reach the process.

import { open, symlink, truncate, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { smallByte } from './fixtures/share-server-process.ts'
import { startServerProcess, type ServerProcess } from './helpers/server-process.ts'
import { slowGet } from './helpers/slow-get.ts'
import { textFrame, wireUpgrade } from './helpers/wire-socket.ts'

const MiB = 1024 * 1024
const BIG = 64 * MiB
let server: ServerProcess | undefined

afterEach(async () => { await server?.close() })

/** The process has not exited, answers over IPC, and serves small.bin byte for byte over HTTP. */
async function aliveAndServing (s: ServerProcess): Promise<void> {
  expect(s.child.exitCode, s.stderr()).toBeNull()
  expect(s.child.signalCode, s.stderr()).toBeNull()
  await s.stats()
  const small = s.files.find((f) => f.path === 'small.bin')
  const res = await fetch(`${s.origin}${s.sharePath}files/${small?.id ?? -1}`)
  expect(res.status).toBe(200)
  const body = Buffer.from(await res.arrayBuffer())
  expect(body.length).toBe(small?.size)
  expect(body.every((b, i) => b === smallByte(i))).toBe(true)
}

describe('issue 14: a share server whose files change under running downloads', () => {
  it('fails a download of a file that shrinks (truncate) and stays alive and serving', async () => {
    server = await startServerProcess({ bigFileBytes: BIG, smallFileBytes: 4096 })
    const big = server.files.find((f) => f.path === 'big.bin')
    const result = await slowGet(server.port, `${server.sharePath}files/${big?.id ?? -1}`, async () => {
      await truncate(join(server?.dir ?? '', 'big.bin'), 8 * MiB)
    })
    expect(result.status).toBe(200)
    expect(result.complete).toBe(false)
    await aliveAndServing(server)
  })

  it.each([
    ['a download', 'changed in place', 'file'],
    ['a download', 'deleted', 'file'],
    ['a zip', 'truncated', 'zip'],
    ['a zip', 'changed in place', 'zip']
  ] as const)('fails %s of a file %s and stays alive and serving', async (_what, how, route) => {
    server = await startServerProcess({ bigFileBytes: BIG, smallFileBytes: 4096 })
    const dir = server.dir
    const big = server.files.find((f) => f.path === 'big.bin')
    const path = route === 'zip' ? `${server.sharePath}all.zip` : `${server.sharePath}files/${big?.id ?? -1}`
    const result = await slowGet(server.port, path, async () => {
      const target = join(dir, 'big.bin')
      if (how === 'deleted') await unlink(target)
      else if (how === 'truncated') await truncate(target, 32 * MiB)
      else {
        const handle = await open(target, 'r+')
        await handle.write(Buffer.alloc(MiB, 1), 0, MiB, 40 * MiB)
        await handle.close()
      }
    })
    expect(result.status).toBe(200)
    expect(result.complete).toBe(false)
    await aliveAndServing(server)
  })

  it('refuses a listed file replaced by a link to a file outside, in every route, and stays alive and serving', async () => {
    server = await startServerProcess({ bigFileBytes: MiB, smallFileBytes: 4096 })
    const big = server.files.find((f) => f.path === 'big.bin')
    const file = `${server.sharePath}files/${big?.id ?? -1}`
    await unlink(join(server.dir, 'big.bin'))
    await symlink('/etc/passwd', join(server.dir, 'big.bin'))
    for (const path of [file, `${file}/blake3`, `${server.sharePath}all.zip`]) {
      const res = await fetch(`${server.origin}${path}`)
      expect(res.status, path).toBe(410)
      expect(await res.text(), path).not.toContain('root:')
    }
    await aliveAndServing(server)
  })

  it('stays alive and serving when the app\'s download and upload-end listeners throw', async () => {
    server = await startServerProcess({ bigFileBytes: MiB, smallFileBytes: 4096, listenersThrow: true })
    const socket = await wireUpgrade(server.port, `${server.sharePath}upload`)
    await socket.next('hello')
    socket.socket.write(textFrame({ type: 'offer', files: [{ path: 'a.bin', size: 1000, lastModified: 0 }] }))
    await socket.next('answer')
    // The browser goes away mid-upload: the upload ends, and its upload-end listener throws.
    socket.socket.destroy()
    const s = server
    const deadline = Date.now() + 5000
    while ((await s.stats()).uploadEnds.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25))
    expect((await s.stats()).uploadEnds).toEqual(['FERRY_ERR_CONNECTION_LOST'])
    // A download whose download listener throws.
    await aliveAndServing(s)
    await aliveAndServing(s)
  })
})
