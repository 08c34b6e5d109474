// `ferry receive` announces itself over mDNS and `ferry peers` / `ferry send --to NAME` find it, between two
// network namespaces the test makes and removes (the only place these tests let mDNS out).

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFerry, type CliRun } from './helpers/cli-process.ts'
import { createNetnsPair, type NetnsPair } from './helpers/netns.ts'

const made = process.getuid?.() === 0 ? createNetnsPair('fdn', 78) : 'needs root for network namespaces'
const net = typeof made === 'string' ? undefined : made
let dir: string
const children: CliRun[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-mdns-'))
  // Multicast leaves by the veth; without this route a namespace has no way out for 224.0.0.251.
  if (net !== undefined) for (const [ns, dev] of [[net.a, net.vethA], [net.b, net.vethB]] as const) net.exec(ns, ['ip', 'route', 'add', '224.0.0.0/4', 'dev', dev])
})
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL')
  net?.destroy()
  await rm(dir, { recursive: true, force: true })
})

function ferryIn (ns: string, who: string, args: string[]): CliRun {
  const run = runFerry(args, { FERRY_CONFIG_DIR: join(dir, who), FERRY_NO_MDNS: '0' }, ['ip', 'netns', 'exec', ns])
  children.push(run)
  return run
}

describe.skipIf(net === undefined)(`ferry over mDNS between network namespaces${net === undefined ? ` (skipped: ${String(made)})` : ''}`, () => {
  it('lists a receiver by its alias with `ferry peers` and sends to it by that alias', async () => {
    const pair = net as NetnsPair
    const receiver = ferryIn(pair.b, 'receiver', ['receive', '--alias', 'nas', '--yes', '--once', '--json', '--dir', join(dir, 'in')])
    const listening = await receiver.waitFor('listening')
    const peers = ferryIn(pair.a, 'sender', ['peers', '--json', '--wait', '2000'])
    expect((await peers.exited).code).toBe(0)
    expect(peers.events.find((e) => e.type === 'peers')).toMatchObject({
      peers: [{ peerId: listening.peerId, alias: 'nas', addresses: [`${pair.addressB}:${String(listening.port)}`], sources: ['mdns'], trust: 'new' }]
    })
    const sent = await ferryIn(pair.a, 'sender', ['send', '--text', 'found by name', '--to', 'nas']).exited
    expect(sent.code, sent.stderr).toBe(0)
    expect(await receiver.waitFor('offer')).toMatchObject({ text: 'found by name' })
  })
})
