// Delay and reordering between two ferry processes in two network namespaces, with `tc netem` on both veth ends so
// each direction gets it. The kernel these tests were written on has no netem module: the file first tries netem in a
// throwaway namespace and, where it is missing, skips the transfers with tc's own words as the reason. Loss and link
// cuts, which need no netem, are in network-faults.test.ts.

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliRun } from './helpers/cli-process.ts'
import { treeDigest } from './helpers/tree-digest.ts'
import { netnsFerry, type NetnsFerry } from './helpers/netns-ferry.ts'
import { createNetnsPair, tryNetem, type NetnsPair } from './helpers/netns.ts'

// netem queues 1000 packets by default; at 50 ms and LAN rates that tail-drops and would make these loss tests.
const QUEUE = ['limit', '10000']
const scenarios = [
  { name: '50 ms of delay each way', slug: 'delay', netem: ['delay', '50ms', ...QUEUE] },
  // 25 % of packets (correlation 50 %) go at once, the rest wait 10 ms: later packets overtake earlier ones.
  { name: 'packets reordered (netem delay 10ms reorder 25% 50%)', slug: 'reorder', netem: ['delay', '10ms', 'reorder', '25%', '50%', ...QUEUE] }
]
const BASELINE = ['delay', '1ms']

const isRoot = process.getuid?.() === 0
const probeNs = `fnp${process.pid % 100000}`
const probe = isRoot ? tryNetem(probeNs, [BASELINE, ...scenarios.map((s) => s.netem)]) : 'needs root for network namespaces'
const noNetem = typeof probe === 'string'
  ? probe
  : probe[0] === 'ok' ? undefined : `this kernel has no netem qdisc (tc qdisc add ... netem delay 1ms: "${probe[0] ?? ''}")`
const made = noNetem === undefined ? createNetnsPair('fnd', 79) : noNetem
const net = typeof made === 'string' ? undefined : made
// A crash of this process must not leave the namespaces behind either.
if (net !== undefined) process.once('exit', () => { net.destroy() })

describe.runIf(isRoot)('probing for netem', () => {
  it(`answers in a throwaway namespace that it removes again (here: ${noNetem === undefined ? 'netem works' : noNetem})`, () => {
    expect(Array.isArray(probe), String(probe)).toBe(true)
    const answers = probe as string[]
    // tc checks the arguments before the kernel sees them: every scenario's must fail (if at all) exactly as the
    // plain `delay 1ms` does, so a typo cannot hide behind the skip on a kernel without netem.
    for (const answer of answers.slice(1)) expect(answer).toBe(answers[0])
    if (answers[0] !== 'ok') expect(answers[0]).toMatch(/qdisc kind is unknown|No such file or directory|not supported/i)
    const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((line) => line.split(' ')[0])
    expect(left).not.toContain(probeNs)
  })
})

let dir: string
let album: string
let albumBytes = 0
let albumFiles = 0
const children: CliRun[] = []

describe.skipIf(net === undefined)(`two ferry processes in network namespaces, through netem${net === undefined ? ` (skipped: ${String(made)})` : ''}`, () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-netem-'))
    album = join(dir, 'src', 'album')
    const files: Record<string, number> = { 'video.bin': 16 * 1024 * 1024 }
    for (let i = 0; i < 8; i++) files[`raw/photo-${i}.bin`] = 1024 * 1024 + i
    for (let i = 0; i < 40; i++) files[`notes/note-${i}.txt`] = 100 + i * 37
    for (const [path, size] of Object.entries(files)) {
      await mkdir(join(album, path, '..'), { recursive: true })
      await writeFile(join(album, path), randomBytes(size))
      albumBytes += size
      albumFiles++
    }
  })
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL')
    net?.destroy()
    await rm(dir, { recursive: true, force: true })
  })

  for (const scenario of scenarios) {
    it(`move a 24 MiB folder byte for byte with ${scenario.name}, without a reconnect`, async () => {
      const pair = net as NetnsPair
      pair.setNetem(scenario.netem)
      try {
        for (const [ns, dev] of [[pair.a, pair.vethA], [pair.b, pair.vethB]] as const) {
          expect(pair.exec(ns, ['tc', 'qdisc', 'show', 'dev', dev])).toMatch(/qdisc netem .*delay/)
        }
        const dest = join(dir, scenario.slug)
        const r = receiver(pair, dest)
        const s = sender(pair, await addressOf(r, pair), [album])
        const sent = await exitWithin(s, 90_000)
        expect(sent.code, sent.stdout + sent.stderr).toBe(0)
        expect(s.events.filter((e) => e.type === 'reconnecting')).toEqual([])
        expect(s.events.find((e) => e.type === 'done')).toMatchObject({ files: albumFiles, bytes: albumBytes, bytesResumed: 0 })
        expect((await exitWithin(r, 10_000)).code).toBe(0)
        expect(r.events.find((e) => e.type === 'received')).toMatchObject({ files: albumFiles, bytes: albumBytes })
        expect(await treeDigest(join(dest, 'album'))).toEqual(await treeDigest(album))
      } finally {
        pair.setNetem(undefined)
      }
    }, 120_000)
  }
})

const ferries = (pair: NetnsPair): NetnsFerry => netnsFerry(pair, dir, children)
const receiver = (pair: NetnsPair, dest: string): CliRun => ferries(pair).receiver(dest, ['--once'])
const sender = (pair: NetnsPair, to: string, paths: string[]): CliRun => ferries(pair).sender(to, paths)
const addressOf = async (run: CliRun, pair: NetnsPair): Promise<string> => await ferries(pair).addressOf(run)

/** The run's exit, or a kill and a failure after `ms`: a hung transfer must not hang the suite. */
async function exitWithin (run: CliRun, ms: number): Promise<{ code: number | null, stdout: string, stderr: string }> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL')
      reject(new Error(`still running after ${ms} ms; events: ${JSON.stringify(run.events.slice(-5))}`))
    }, ms)
  })
  try {
    return await Promise.race([run.exited, late])
  } finally {
    clearTimeout(timer)
  }
}

