// Red team: `ferry receive --once --yes` and a sender killed mid-file that sends the same files again at once.
// docs/guarantees.md: a sender killed mid-file and started again at once resumes from the partial. With --once the
// killed send was "the one transfer", still running on this side (QUIC notices a dead peer only at its idle
// timeout), so the new send, under a new transfer id, was declined as a second transfer; and declined again after
// the old one ended, for the whole reconnect wait, since a restarted sender never comes back under the old id.

import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FerryNode, createQuicTransport, generateIdentity, type Identity } from '@ferry/p2p-core'
import { faultyTransport, type Faults, type FaultStats } from '@ferry/p2p-core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { exitWithin, peerAddressOf as addressOf, runFerry, type CliRun } from './helpers/cli-process.ts'

let dir: string
const children: CliRun[] = []
const nodes: FerryNode[] = []
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ferry-rt-once-resend-')) })
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL')
  await Promise.all(nodes.splice(0).map(async (n) => { await n.close() }))
  await rm(dir, { recursive: true, force: true })
})

/** A device run by this test under `identity` (the same identity twice: one sender, started again). */
async function device (identity: Identity, faults?: Faults, stats?: FaultStats): Promise<FerryNode> {
  const quic = await createQuicTransport({ identity })
  const transport = faults === undefined ? quic : faultyTransport(quic, faults, stats)
  const node = await FerryNode.create({ identity, alias: 'laptop', listen: { host: '127.0.0.1', port: 0 }, transport })
  nodes.push(node)
  return node
}

describe('red team: ferry receive --once --yes and a sender killed mid-file that sends again', () => {
  it('takes the same files sent again by the same device as its one transfer, resumes them and exits 0', async () => {
    const source = join(dir, 'big.bin')
    const content = Buffer.alloc(4 * 1024 * 1024)
    for (let i = 0; i < content.length; i += 4096) content.writeUInt32BE(i, i)
    await writeFile(source, content)
    const out = join(dir, 'received')
    const receiver = runFerry(['receive', '--dir', out, '--host', '127.0.0.1', '--port', '0', '--yes', '--once', '--json'], { FERRY_CONFIG_DIR: join(dir, 'config-receiver') })
    children.push(receiver)
    const address = addressOf(String((await receiver.waitFor('listening')).address))

    // The first run of the sender goes silent mid-file, as a killed process does: its connection stays open here.
    const identity = await generateIdentity()
    const stats: FaultStats = { dataBytes: 0, openDataStreams: 0, maxOpenDataStreams: 0 }
    const killed = await device(identity, { stallAfter: 1024 * 1024 }, stats)
    void killed.send({ address, paths: [source], reconnect: false }).catch(() => {})
    await expect.poll(() => stats.dataBytes, { timeout: 20_000 }).toBeGreaterThanOrEqual(1024 * 1024)

    // Started again: the same device, the same file, a new transfer id.
    const again = await device(identity)
    const result = await again.send({ address, paths: [source], reconnect: false })
    expect(result.bytesResumed).toBeGreaterThan(0)
    expect(await exitWithin(receiver, 20_000)).toBe(0)
    expect(createHash('sha256').update(await readFile(join(out, 'big.bin'))).digest('hex'))
      .toBe(createHash('sha256').update(content).digest('hex'))
    expect(await readdir(out)).toEqual(['big.bin'])
  }, 60_000)

  it('exits once the send started again is saved, though the killed run (small files: nothing to resume) is still open', async () => {
    const source = join(dir, 'small.bin')
    await writeFile(source, Buffer.alloc(100 * 1024, 7))
    const out = join(dir, 'received')
    const receiver = runFerry(['receive', '--dir', out, '--host', '127.0.0.1', '--port', '0', '--yes', '--once', '--json'], { FERRY_CONFIG_DIR: join(dir, 'config-receiver') })
    children.push(receiver)
    const address = addressOf(String((await receiver.waitFor('listening')).address))

    // A small file holds no partial a new transfer would take back: the killed run stays open here, silent.
    const identity = await generateIdentity()
    const killed = await device(identity, { stallAfter: 0 })
    void killed.send({ address, paths: [source], reconnect: false }).catch(() => {})
    await receiver.waitFor('offer')
    const again = await device(identity)
    await again.send({ address, paths: [source], reconnect: false })
    // Before: the killed run, cut as the process closed, set the --reconnect-wait timer (2 minutes) after the end.
    expect(await exitWithin(receiver, 20_000)).toBe(0)
    expect(await readdir(out)).toEqual(['small.bin'])
  }, 60_000)
})
