// Red team, from the docs only: the real receiver stops a transfer (its user cancels, its disk fills) while many
// files are in flight; the sender must report that reason with its stable code, on one connection, asking once.

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, open, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FerryNode, generateIdentity } from '../src/index.ts'

const LOOPBACK = { host: '127.0.0.1', port: 0 }
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function nodes (): Promise<{ sender: FerryNode, receiver: FerryNode, root: string }> {
  const receiver = await FerryNode.create({ identity: await generateIdentity(), listen: LOOPBACK })
  const sender = await FerryNode.create({ identity: await generateIdentity(), listen: LOOPBACK })
  const root = await mkdtemp(join(tmpdir(), 'ferry-rt-stops-'))
  cleanups.push(async () => {
    await sender.close()
    await receiver.close()
    await rm(root, { recursive: true, force: true })
  })
  return { sender, receiver, root }
}

async function files (dir: string, count: number, bytes: number): Promise<void> {
  await mkdir(dir, { recursive: true })
  for (let i = 0; i < count; i++) await writeFile(join(dir, `f${i}.bin`), randomBytes(bytes))
}

const canMount = process.platform === 'linux' && process.getuid?.() === 0

describe('red team: the real receiver\'s reason reaches the sender', () => {
  it('a receiver cancelled during 40 parallel files: the sender ends FERRY_ERR_CANCELLED, asked once, one connection', async () => {
    const { sender, receiver, root } = await nodes()
    await files(join(root, 'src'), 40, 600 * 1024)
    let offers = 0
    const ended: string[] = []
    receiver.on('offer', (offer) => {
      offers++
      const abort = new AbortController()
      offer.respond({
        accept: true,
        dir: join(root, 'dst'),
        signal: abort.signal,
        onProgress: (progress) => { if (progress.bytesDone > 2 * 1024 * 1024) abort.abort() }
      }).then(() => ended.push('completed'), (err: { code: string }) => ended.push(err.code))
    })
    const code = await sender.send({ address: { host: '127.0.0.1', port: receiver.address.port }, paths: [join(root, 'src')] })
      .then(() => 'completed', (err: { code: string }) => err.code)
    expect(code).toBe('FERRY_ERR_CANCELLED')
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(offers).toBe(1)
    expect(ended).toEqual(['FERRY_ERR_CANCELLED'])
    expect((await readdir(join(root, 'dst'), { recursive: true }).catch(() => [])).filter((n) => n.includes('.ferry-'))).toEqual([])
  }, 30_000)

  it('a receiver whose folder is removed and replaced by a link mid-transfer: the sender gets FERRY_ERR_UNSAFE_PATH, asked once', async () => {
    const { sender, receiver, root } = await nodes()
    await files(join(root, 'src', 'sub'), 6, 24 * 1024 * 1024)
    await mkdir(join(root, 'elsewhere'))
    let offers = 0
    const ended: string[] = []
    receiver.on('offer', (offer) => {
      offers++
      offer.respond({ accept: true, dir: join(root, 'dst') }).then(() => ended.push('completed'), (err: { code: string }) => ended.push(err.code))
    })
    const sending = sender.send({ address: { host: '127.0.0.1', port: receiver.address.port }, paths: [join(root, 'src')] })
      .then(() => 'completed', (err: { code: string }) => err.code)
    const sub = join(root, 'dst', 'src', 'sub')
    for (let i = 0; i < 400; i++) {
      if ((await readdir(sub).catch(() => [])).length > 0) break
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    // The receiver may create its next partial while the folder is emptied: try again (bounded).
    await rm(sub, { recursive: true, force: true, maxRetries: 20, retryDelay: 5 })
    await symlink(join(root, 'elsewhere'), sub)
    const code = await sending
    for (let i = 0; i < 40 && ended.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50))
    expect({ code, ended, offers }).toEqual({ code: 'FERRY_ERR_UNSAFE_PATH', ended: ['FERRY_ERR_UNSAFE_PATH'], offers: 1 })
    expect(await readdir(join(root, 'elsewhere'))).toEqual([])
  }, 30_000)

  it.runIf(canMount)('a receiver whose disk fills with many files in flight: FERRY_ERR_DISK on both sides, asked once', async () => {
    const { sender, receiver, root } = await nodes()
    await files(join(root, 'src'), 24, 700 * 1024)
    const mnt = join(root, 'mnt')
    await mkdir(mnt)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mnt])
    cleanups.push(async () => { execFileSync('umount', ['-l', mnt]) })
    let offers = 0
    const ended: string[] = []
    let filled = false
    receiver.on('offer', (offer) => {
      offers++
      offer.respond({
        accept: true,
        dir: join(mnt, 'dst'),
        onProgress: (progress) => {
          if (filled || progress.bytesDone < 1024 * 1024) return
          filled = true
          // Take what is left of the disk, as another program would.
          void (async () => {
            const filler = await open(join(mnt, 'filler'), 'w')
            const block = Buffer.alloc(1024 * 1024)
            // Ends with ENOSPC once the disk is full: that is the point.
            try { for (let i = 0; i < 64; i++) await filler.write(block) } catch { /* full */ } finally { await filler.close() }
          })()
        }
      }).then(() => ended.push('completed'), (err: { code: string }) => ended.push(err.code))
    })
    const code = await sender.send({ address: { host: '127.0.0.1', port: receiver.address.port }, paths: [join(root, 'src')] })
      .then(() => 'completed', (err: { code: string }) => err.code)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect({ code, ended, offers }).toEqual({ code: 'FERRY_ERR_DISK', ended: ['FERRY_ERR_DISK'], offers: 1 })
  }, 30_000)
})
