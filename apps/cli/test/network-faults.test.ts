import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliRun } from './helpers/cli-process.ts'
import { netnsFerry, type NetnsFerry } from './helpers/netns-ferry.ts'
import { createNetnsPair, type NetnsPair } from './helpers/netns.ts'
import { fileSha256 } from './helpers/tree-digest.ts'

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

const ferries = (pair: NetnsPair): NetnsFerry => netnsFerry(pair, dir, children)
const receiver = (pair: NetnsPair, dest: string): CliRun => ferries(pair).receiver(dest)
const sender = (pair: NetnsPair, to: string, paths: string[]): CliRun => ferries(pair).sender(to, paths)
const addressOf = async (run: CliRun, pair: NetnsPair): Promise<string> => await ferries(pair).addressOf(run)

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
        expect(await fileSha256(join(dest, 'video.bin'))).toBe(await fileSha256(big))
        r.child.kill('SIGTERM')
        await r.exited
      } finally {
        pair.setLoss(0)
      }
    })
  }

  it('reconnect by themselves with backoff when the link is cut for 20 s, and finish from the partial without a new question', async () => {
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
      const reconnecting = await s.waitFor('reconnecting', 20_000)
      const noticedAfter = performance.now() - cutAt
      expect(String(reconnecting.code)).toMatch(/FERRY_ERR_(CONNECTION_LOST|TIMEOUT|UNREACHABLE)/)
      expect(noticedAfter).toBeLessThan(20_000) // noticed while the link was still down: bounded timeouts, no hang
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20_000 - noticedAfter)))
      pair.linkUp()

      const sent = await s.exited
      expect(sent.code, sent.stdout + sent.stderr).toBe(0)
      const attempts = s.events.filter((e) => e.type === 'reconnecting').map((e) => Number(e.attempt))
      expect(attempts).toEqual(attempts.map((_a, i) => i + 1))
      const delays = s.events.filter((e) => e.type === 'reconnecting').map((e) => Number(e.delayMs))
      for (const [i, delay] of delays.entries()) expect(delay).toBeLessThanOrEqual(Math.min(15_000, 1_000 * 2 ** i))
      expect(s.events.find((e) => e.type === 'done')?.bytesResumed).toBeGreaterThan(0)
      // The receiver continued the transfer it had accepted: no second offer to answer.
      expect(r.events.filter((e) => e.type === 'offer')).toHaveLength(1)
      expect(r.events.filter((e) => e.type === 'continuing').length).toBeGreaterThanOrEqual(1)
      expect(await fileSha256(join(dest, 'video.bin'))).toBe(await fileSha256(big))
      r.child.kill('SIGTERM')
      await r.exited
    } finally {
      pair.linkUp()
    }
  }, 120_000)
})
