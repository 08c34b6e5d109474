import { createHash, randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FerryNode, generateIdentity, type IncomingOffer, type ReceiveResult } from '@ferry/p2p-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileSha256 } from './helpers/tree-digest.ts'
import { runFerry, type CliRun } from './helpers/cli-process.ts'

// README: "sending the same files again resumes from what the receiver already has". A sender killed mid-file
// (SIGKILL: no close reaches the receiver) and started again at once finds the receiver still running the old
// transfer, which holds the partial until QUIC's idle timeout tells it the connection is dead.

const SIZE = 128 * 1024 * 1024
/** The sender is killed once the partial holds this much. */
const KILL_AT = 8 * 1024 * 1024

let dir: string
let big: string
let bigSha = ''
const children: CliRun[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-resume-kill-'))
  big = join(dir, 'big.bin')
  const data = randomBytes(SIZE)
  await writeFile(big, data)
  bigSha = createHash('sha256').update(data).digest('hex')
})
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

async function largestPartial (dest: string): Promise<number> {
  let largest = 0
  for (const name of await readdir(dest).catch(() => [])) {
    if (name.startsWith('.ferry-') && name.endsWith('.part')) largest = Math.max(largest, (await stat(join(dest, name)).catch(() => ({ size: 0 }))).size)
  }
  return largest
}

describe('a sender killed mid-file and started again at once (kill -9, then the same send)', () => {
  it('resumes from the partial the dead transfer holds, and leaves no hidden file behind', async () => {
    const receiver = await FerryNode.create({ identity: await generateIdentity(), listen: { host: '127.0.0.1', port: 0 } })
    const dest = join(dir, 'dest')
    await mkdir(dest)
    const outcomes: Array<Promise<ReceiveResult | Error>> = []
    receiver.on('offer', (offer: IncomingOffer) => {
      outcomes.push(offer.respond({ accept: true, dir: dest }).catch((err: unknown) => err as Error))
    })
    const send = (): CliRun => {
      const run = runFerry(['send', big, '--to', `127.0.0.1:${receiver.address.port}/${receiver.peerId}`, '--json'], { FERRY_CONFIG_DIR: join(dir, 'sender-config') })
      children.push(run)
      return run
    }
    try {
      const first = send()
      const deadline = Date.now() + 60_000
      while (await largestPartial(dest) < KILL_AT) {
        if (first.child.exitCode !== null || Date.now() > deadline) throw new Error(`the first send ended before it could be killed: ${first.events.map((e) => e.type).join(', ')}`)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      first.child.kill('SIGKILL')
      await first.exited

      const second = send()
      const done = await second.waitFor('done', 60_000)
      expect((await second.exited).code).toBe(0)
      expect(done.bytesResumed as number, 'the second send started over').toBeGreaterThanOrEqual(KILL_AT / 2)

      // The dead transfer ended as lost (its connection closed); the live one completed, having resumed.
      const [dead, resumed] = await Promise.all(outcomes)
      expect(dead).toBeInstanceOf(Error)
      expect((resumed as ReceiveResult).status).toBe('completed')
      expect((resumed as ReceiveResult).bytesResumed).toBe(done.bytesResumed)
      expect(await readdir(dest)).toEqual(['big.bin'])
      expect(await fileSha256(join(dest, 'big.bin'))).toBe(bigSha)
    } finally {
      await receiver.close()
    }
  }, 120_000)
})
