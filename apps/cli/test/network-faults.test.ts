import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFerry, type CliRun } from './helpers/cli-process.ts'
import { createNetnsPair, type NetnsPair } from './helpers/netns.ts'

// Two ferry processes in two network namespaces over a veth pair, with loss (nftables) and a cut link. The kernel
// here has no netem, so delay and reordering cannot be emulated; see docs/guarantees.md.

const made = process.getuid?.() === 0 ? createNetnsPair('fnf', 77) : 'needs root for network namespaces'
const net = typeof made === 'string' ? undefined : made
let dir: string
let big: string
const children: CliRun[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-net-'))
  await mkdir(join(dir, 'src'))
  big = join(dir, 'src', 'video.bin')
  await writeFile(big, randomBytes(24 * 1024 * 1024))
})
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL')
  net?.destroy()
  await rm(dir, { recursive: true, force: true })
})

async function sha256 (path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

function receiver (pair: NetnsPair, dest: string): CliRun {
  const run = runFerry(['receive', '--dir', dest, '--host', pair.addressB, '--yes', '--json'], { FERRY_CONFIG_DIR: join(dir, 'receiver-config') }, ['ip', 'netns', 'exec', pair.b])
  children.push(run)
  return run
}

function sender (pair: NetnsPair, to: string, paths: string[]): CliRun {
  const run = runFerry(['send', ...paths, '--to', to, '--json'], { FERRY_CONFIG_DIR: join(dir, 'sender-config') }, ['ip', 'netns', 'exec', pair.a])
  children.push(run)
  return run
}

async function addressOf (run: CliRun, pair: NetnsPair): Promise<string> {
  const listening = await run.waitFor('listening')
  return `${pair.addressB}:${String(listening.port)}/${String(listening.peerId)}`
}

describe.skipIf(net === undefined)(`two ferry processes in network namespaces${net === undefined ? ` (skipped: ${String(made)})` : ''}`, () => {
  for (const loss of [1, 5]) {
    it(`deliver a 24 MiB file verified with ${loss} % packet loss each way`, async () => {
      const pair = net as NetnsPair
      pair.setLoss(loss)
      try {
        const dest = join(dir, `loss-${loss}`)
        const r = receiver(pair, dest)
        const s = sender(pair, await addressOf(r, pair), [big])
        const result = await s.exited
        expect(result.code, result.stdout + result.stderr).toBe(0)
        expect(await sha256(join(dest, 'video.bin'))).toBe(await sha256(big))
        r.child.kill('SIGTERM')
        await r.exited
      } finally {
        pair.setLoss(0)
      }
    })
  }

  it('fail with a clear error, not a hang, when the link is cut for 20 s, then resume from the partial', async () => {
    const pair = net as NetnsPair
    pair.setRate('100mbit') // about 2.5 s for the file, so the cut lands mid-transfer
    try {
      const dest = join(dir, 'cut')
      const r = receiver(pair, dest)
      const to = await addressOf(r, pair)
      const s = sender(pair, to, [big])
      await s.waitFor('progress')
      pair.linkDown()
      const cutAt = performance.now()
      const failed = await s.exited
      const noticedAfter = performance.now() - cutAt
      expect(failed.code).toBe(1)
      expect(failed.stdout).toMatch(/FERRY_ERR_(CONNECTION_LOST|TIMEOUT)/)
      expect(noticedAfter).toBeLessThan(20_000) // noticed while the link was still down
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20_000 - noticedAfter)))
      pair.linkUp()

      const again = sender(pair, to, [big])
      const resumed = await again.exited
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0)
      const done = again.events.find((e) => e.type === 'done')
      expect(done?.bytesResumed).toBeGreaterThan(0)
      expect(await sha256(join(dest, 'video.bin'))).toBe(await sha256(big))
      r.child.kill('SIGTERM')
      await r.exited
    } finally {
      pair.linkUp()
    }
  }, 90_000)
})
