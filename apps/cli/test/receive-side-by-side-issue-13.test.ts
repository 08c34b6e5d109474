// Issue 13: `ferry receive` serves transfers side by side. A sender that trickles an accepted 64 MiB file (a write
// every 2 s) kept an honest `ferry send` unanswered for as long as it liked, because the receiver served one offer
// at a time until it finished. Now questions queue, but accepted transfers run at once.

import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FerryNode, createQuicTransport, generateIdentity } from '@ferry/p2p-core'
import { faultyTransport } from '@ferry/p2p-core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runFerry, type CliRun } from './helpers/cli-process.ts'

let dir: string
const children: CliRun[] = []
const nodes: FerryNode[] = []
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ferry-side-by-side-')) })
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL')
  await Promise.all(nodes.splice(0).map(async (n) => await n.close()))
  await rm(dir, { recursive: true, force: true })
})

function ferry (args: string[], name: string): CliRun {
  const run = runFerry(args, { FERRY_CONFIG_DIR: join(dir, `config-${name}`) })
  children.push(run)
  return run
}

/** A sender whose every data write waits `delayMs` (2 s: a 64 MiB file would take many minutes). */
async function trickler (delayMs = 2_000): Promise<FerryNode> {
  const identity = await generateIdentity()
  const quic = await createQuicTransport({ identity })
  const node = await FerryNode.create({ identity, alias: 'trickler', listen: { host: '127.0.0.1', port: 0 }, transport: faultyTransport(quic, { writeDelayMs: delayMs }) })
  nodes.push(node)
  return node
}

describe('ferry receive (issue 13)', () => {
  it('delivers an honest send while a trickling transfer it accepted earlier is still running', async () => {
    const out = join(dir, 'received')
    const receiver = ferry(['receive', '--dir', out, '--host', '127.0.0.1', '--port', '0', '--yes', '--json'], 'receiver')
    const listening = await receiver.waitFor('listening')
    const port = Number(String(listening.address).split('/')[0]?.split(':')[1])

    await writeFile(join(dir, 'slow.bin'), randomBytes(64 * 1024 * 1024))
    const slow = await trickler()
    const stop = new AbortController()
    const trickling = slow.send({ address: { host: '127.0.0.1', port }, paths: [join(dir, 'slow.bin')], signal: stop.signal, reconnect: false })
    trickling.catch(() => {})
    // Wait until the receiver has accepted it and its bytes have started.
    for (let i = 0; i < 100 && !receiver.events.some((e) => e.type === 'progress'); i++) await new Promise((resolve) => setTimeout(resolve, 100))

    await writeFile(join(dir, 'note.txt'), 'arrived while the other one trickled')
    const honest = ferry(['send', join(dir, 'note.txt'), '--to', String(listening.address), '--json'], 'honest')
    const sent = await Promise.race([honest.exited, new Promise<never>((_resolve, reject) => {
      setTimeout(() => { reject(new Error('the honest send was still waiting after 30 s')) }, 30_000).unref()
    })])
    expect(sent.code, sent.stderr).toBe(0)
    expect(await readFile(join(out, 'note.txt'), 'utf8')).toBe('arrived while the other one trickled')
    // The trickling transfer is still under way: it was not what held the honest one back, nor was it cut for it.
    expect(receiver.events.filter((e) => e.type === 'received').length).toBe(1)
    stop.abort()
    await trickling.catch(() => {})
  }, 60_000)

  it('with --once takes the one transfer it accepted first and declines another offer that arrives meanwhile', async () => {
    const out = join(dir, 'received')
    const receiver = ferry(['receive', '--dir', out, '--host', '127.0.0.1', '--port', '0', '--yes', '--once', '--json'], 'receiver')
    const listening = await receiver.waitFor('listening')
    const port = Number(String(listening.address).split('/')[0]?.split(':')[1])

    await writeFile(join(dir, 'first.bin'), randomBytes(1024 * 1024))
    const slow = await trickler()
    const first = slow.send({ address: { host: '127.0.0.1', port }, paths: [join(dir, 'first.bin')], reconnect: false })
    first.catch(() => {})
    for (let i = 0; i < 100 && !receiver.events.some((e) => e.type === 'progress'); i++) await new Promise((resolve) => setTimeout(resolve, 100))

    await writeFile(join(dir, 'second.txt'), 'not for this receiver')
    const second = ferry(['send', join(dir, 'second.txt'), '--to', String(listening.address), '--json'], 'second')
    const refused = await second.exited
    expect(refused.code).not.toBe(0)
    expect(second.events.find((e) => e.type === 'error')).toMatchObject({ code: 'FERRY_ERR_PEER_DECLINED' })
    expect(receiver.events.find((e) => e.type === 'declined')).toMatchObject({ reason: 'once' })
    // The first transfer goes on to the end, and then the receiver exits, having saved only its file.
    expect((await first).files).toBe(1)
    expect((await receiver.exited).code).toBe(0)
    expect(receiver.events.filter((e) => e.type === 'received')).toHaveLength(1)
    await expect(readFile(join(out, 'second.txt'))).rejects.toThrow()
  }, 90_000)

  it('with --yes takes an offer sent the moment it says it is listening, while its LocalSend side is still starting', async () => {
    const out = join(dir, 'received')
    const identity = await generateIdentity()
    const sender = await FerryNode.create({ identity, listen: { host: '127.0.0.1', port: 0 } })
    nodes.push(sender)
    await writeFile(join(dir, 'early.txt'), 'sent at once')
    const receiver = runFerry(['receive', '--dir', out, '--host', '127.0.0.1', '--port', '0', '--yes', '--json', '--localsend-port', '0'], { FERRY_CONFIG_DIR: join(dir, 'config-early'), FERRY_NO_LOCALSEND: '0' })
    children.push(receiver)
    const listening = await receiver.waitFor('listening')
    const port = Number(String(listening.address).split('/')[0]?.split(':')[1])
    const sent = await sender.send({ address: { host: '127.0.0.1', port }, paths: [join(dir, 'early.txt')], reconnect: false })
    expect(sent.files).toBe(1)
    expect(await readFile(join(out, 'early.txt'), 'utf8')).toBe('sent at once')
    expect(await receiver.waitFor('localsend')).toBeTruthy()
  }, 60_000)

  it('with --once keeps running while its interrupted transfer comes back as a new offer (its files changed), and ends after it', async () => {
    const out = join(dir, 'received')
    const receiver = ferry(['receive', '--dir', out, '--host', '127.0.0.1', '--port', '0', '--yes', '--once', '--json', '--reconnect-wait', '4000'], 'receiver')
    const listening = await receiver.waitFor('listening')
    const address = { host: '127.0.0.1', port: Number(String(listening.address).split('/')[0]?.split(':')[1]) }
    const identity = await generateIdentity()
    // The first attempt is cut after 512 KiB: the receiver keeps waiting for this transfer to come back.
    const cutting = await FerryNode.create({ identity, listen: { host: '127.0.0.1', port: 0 }, transport: faultyTransport(await createQuicTransport({ identity }), { cutAfter: 512 * 1024 }) })
    nodes.push(cutting)
    await writeFile(join(dir, 'a.bin'), randomBytes(2 * 1024 * 1024))
    await expect(cutting.send({ address, paths: [join(dir, 'a.bin')], transferId: 'the-one-transfer', reconnect: false })).rejects.toThrow()
    await cutting.close()
    // It comes back under the same transfer id with another file list (as a re-walk after a change does), slowly:
    // three 1 MiB writes 3 s apart outlast the 4 s reconnect wait.
    const slow = await trickler(3_000)
    await writeFile(join(dir, 'b.bin'), randomBytes(3 * 1024 * 1024))
    const again = await slow.send({ address, paths: [join(dir, 'b.bin')], transferId: 'the-one-transfer', reconnect: false })
    expect(again.files).toBe(1)
    expect((await receiver.exited).code).toBe(0)
    expect((await readFile(join(out, 'b.bin'))).byteLength).toBe(3 * 1024 * 1024)
  }, 90_000)
})
