import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FerryNode, defaultLimits, generateIdentity, type IncomingOffer, type ReceiveResult } from '@ferry/p2p-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { treeDigest } from './helpers/tree-digest.ts'
import { runFerry, type CliRun } from './helpers/cli-process.ts'

// README: "sending the same files again resumes from what the receiver already has, also at once after the sender
// was killed". A folder sent with `ferry send DIR`, killed with SIGKILL once some of its files are saved, then sent
// again (a new transfer id): the files already saved are not sent again, nor saved a second time as "name (1).ext".

/** Name -> size: two small files (batched) and four above smallFileBytes (a stream each), one of them large. */
const FILES: Record<string, number> = {
  'a-note.txt': 3 * 1024,
  'b-small.bin': 40 * 1024,
  'c-large.bin': 2 * 1024 * 1024,
  'd-large.bin': 6 * 1024 * 1024,
  'e-large.bin': 24 * 1024 * 1024,
  'f-huge.bin': 160 * 1024 * 1024
}

let dir: string
let folder: string
const children: CliRun[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-resend-saved-'))
  folder = join(dir, 'album')
  await mkdir(folder)
  for (const [name, size] of Object.entries(FILES)) await writeFile(join(folder, name), randomBytes(size))
})
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

/** The visible files saved in the received folder so far. */
async function savedNames (dest: string): Promise<string[]> {
  return (await readdir(join(dest, 'album')).catch(() => [])).filter((name) => !name.startsWith('.ferry-'))
}

describe('a folder sent again after its sender was killed (kill -9 once some files are saved)', () => {
  it('does not send or save again the files the receiver already saved: exactly the six names, each equal to its source', async () => {
    const receiver = await FerryNode.create({ identity: await generateIdentity(), listen: { host: '127.0.0.1', port: 0 } })
    const dest = join(dir, 'dest')
    await mkdir(dest)
    const outcomes: Array<Promise<ReceiveResult | Error>> = []
    receiver.on('offer', (offer: IncomingOffer) => {
      outcomes.push(offer.respond({ accept: true, dir: dest }).catch((err: unknown) => err as Error))
    })
    const send = (): CliRun => {
      const run = runFerry(['send', folder, '--to', `127.0.0.1:${receiver.address.port}/${receiver.peerId}`, '--json'], { FERRY_CONFIG_DIR: join(dir, 'sender-config') })
      children.push(run)
      return run
    }
    try {
      const first = send()
      const deadline = Date.now() + 60_000
      let saved: string[] = []
      // Killed once at least two files are saved, one of them above smallFileBytes (it had a stream of its own).
      for (;;) {
        saved = await savedNames(dest)
        if (saved.length >= 2 && saved.some((name) => (FILES[name] as number) > defaultLimits.smallFileBytes)) break
        if (first.child.exitCode !== null || Date.now() > deadline) throw new Error(`the first send ended before it could be killed: ${first.events.map((e) => e.type).join(', ')}`)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      first.child.kill('SIGKILL')
      await first.exited
      saved = await savedNames(dest)
      expect(saved.length, 'the first send saved every file before it was killed').toBeLessThan(Object.keys(FILES).length)
      const savedBytes = saved.reduce((n, name) => n + (FILES[name] as number), 0)
      const inodes = await Promise.all(saved.map(async (name) => (await stat(join(dest, 'album', name))).ino))

      const second = send()
      const done = await second.waitFor('done', 90_000)
      expect((await second.exited).code).toBe(0)
      const total = Object.values(FILES).reduce((n, size) => n + size, 0)
      expect(done.bytesResumed as number, 'the files already saved were sent again').toBeGreaterThanOrEqual(savedBytes)
      expect(done.bytes as number, 'the files already saved were sent again').toBeLessThanOrEqual(total - savedBytes)
      expect((done.bytes as number) + (done.bytesResumed as number)).toBe(total)

      const results = await Promise.all(outcomes)
      const last = results[results.length - 1] as ReceiveResult
      expect(last.status).toBe('completed')
      expect(last.files.map((f) => f.savedAs).sort()).toEqual(Object.keys(FILES).map((name) => join(dest, 'album', name)).sort())
      expect(last.bytesResumed).toBe(done.bytesResumed)

      expect((await readdir(join(dest, 'album'))).sort()).toEqual(Object.keys(FILES).sort())
      expect(await treeDigest(join(dest, 'album'))).toEqual(await treeDigest(folder))
      // The files saved before the kill are the very files the first send saved: nothing was written again.
      expect(await Promise.all(saved.map(async (name) => (await stat(join(dest, 'album', name))).ino))).toEqual(inodes)
    } finally {
      await receiver.close()
    }
  }, 180_000)
})
