// Issue 14, never crash, inside the app: the same share-link library runs in `ferry ui` and the desktop app, so a
// shared file that shrinks under a running download must not take the whole service down there either. The service
// (createFerryService) runs in a process of its own; after the failed download it must still be alive, serve its
// share link, answer its API, and have logged the failed download with the client's address.

import { fork } from 'node:child_process'
import { mkdir, symlink, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { slowGet } from '../../http-share/test/helpers/slow-get.ts'
import { startService, type TestService } from './helpers.ts'
import { smallByte, type ServiceProcessReady, type ServiceProcessReply, type ServiceProcessRequest } from './fixtures/share-service-process.ts'

const SCRIPT = fileURLToPath(new URL('./fixtures/share-service-process.ts', import.meta.url))
const MiB = 1024 * 1024
const REPLY_TIMEOUT_MS = 20_000

interface ServiceProcess {
  ready: ServiceProcessReady
  exitCode: () => number | null
  ask: (type: ServiceProcessRequest['type']) => Promise<ServiceProcessReply>
  stderr: () => string
  close: () => Promise<void>
}

async function startServiceProcess (config: { bigFileBytes: number, smallFileBytes: number }): Promise<ServiceProcess> {
  const child = fork(SCRIPT, [JSON.stringify(config)], { execArgv: ['--no-warnings'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
  const ready = await new Promise<ServiceProcessReady>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`the service process did not start: ${stderr}`)) }, REPLY_TIMEOUT_MS)
    child.once('message', (m: ServiceProcessReady) => { clearTimeout(timer); resolve(m) })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the service process exited with ${code ?? 'a signal'}: ${stderr}`)) })
  })
  let nextId = 1
  const ask = async (type: ServiceProcessRequest['type']): Promise<ServiceProcessReply> => {
    const id = nextId++
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`no ${type} reply within ${REPLY_TIMEOUT_MS} ms: ${stderr}`)) }, REPLY_TIMEOUT_MS)
      const onMessage = (m: ServiceProcessReply): void => {
        if (m.type !== 'reply' || m.id !== id) return
        clearTimeout(timer)
        child.off('message', onMessage)
        resolve(m)
      }
      child.on('message', onMessage)
      child.send({ id, type } satisfies ServiceProcessRequest, (err) => { if (err !== null) { clearTimeout(timer); reject(err) } })
    })
  }
  return {
    ready,
    exitCode: () => child.exitCode ?? (child.signalCode === null ? null : -1),
    ask,
    stderr: () => stderr,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null && child.connected) await ask('close').catch(() => {})
      const killTimer = setTimeout(() => { child.kill('SIGKILL') }, 5000)
      await exited
      clearTimeout(killTimer)
    }
  }
}

let service: ServiceProcess | undefined
let inProcess: TestService | undefined
afterEach(async () => {
  await service?.close()
  service = undefined
  await inProcess?.close()
  inProcess = undefined
})

describe('issue 14: a share inside the app service', () => {
  it('fails a download of a shared file that shrinks, and the service stays alive, serving and answering', async () => {
    service = await startServiceProcess({ bigFileBytes: 64 * MiB, smallFileBytes: 4096 })
    const { url, dir, files } = service.ready
    const link = new URL(url)
    const big = files.find((f) => f.path === 'big.bin')
    const result = await slowGet(Number(link.port), `${link.pathname}files/${big?.id ?? -1}`, async () => {
      await truncate(join(dir, 'big.bin'), 8 * MiB)
    })
    expect(result.status).toBe(200)
    expect(result.complete).toBe(false)

    expect(service.exitCode(), service.stderr()).toBeNull()
    const small = files.find((f) => f.path === 'small.bin')
    const res = await fetch(`${url}files/${small?.id ?? -1}`)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).every((b, i) => b === smallByte(i))).toBe(true)
    const { shares } = await service.ask('state')
    expect(shares[0]?.status).toBe('active')
    expect(shares[0]?.downloads).toEqual(expect.arrayContaining([
      expect.objectContaining({ fileId: big?.id, complete: false, remoteAddress: '127.0.0.1' })
    ]))
  })

  it('returns from createShare the entries of a shared folder it left out: links inside are not followed', async () => {
    inProcess = await startService()
    const folder = join(inProcess.dir, 'folder')
    await mkdir(folder)
    await writeFile(join(folder, 'a.txt'), 'a')
    await symlink('/etc', join(folder, 'etc'))
    const share = await inProcess.service.createShare({ paths: [folder], pin: false, expiresInMs: 60_000, allowUpload: false })
    expect(share.files.map((f) => f.path)).toEqual(['folder/a.txt'])
    expect(share).toMatchObject({ skipped: [{ path: 'folder/etc', localPath: join(folder, 'etc'), reason: 'symlink', detail: '-> /etc' }], skippedCount: 1 })
  })
})
