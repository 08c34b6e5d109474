// Red team: `ferry receive --once` ended with exit code 1 on the first offer it declined, so any device on the
// network could end `ferry receive --once --yes` before the real sender arrived: an impostor under a trusted
// device's alias, or a folder with `.ssh/` inside, declined by policy, and the receiver was gone. README: --once
// exits after the first transfer this device accepted has ended; a declined offer is reported and it keeps waiting.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FerryNode, generateIdentity } from '@ferry/p2p-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { exitWithin, peerAddressOf as addressOf, runFerry, type CliRun } from './helpers/cli-process.ts'

let dir: string
const children: CliRun[] = []
const nodes: FerryNode[] = []
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ferry-rt-once-')) })
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL')
  await Promise.all(nodes.splice(0).map(async (n) => { await n.close() }))
  await rm(dir, { recursive: true, force: true })
})

function ferry (args: string[], who: string): CliRun {
  const run = runFerry(args, { FERRY_CONFIG_DIR: join(dir, `config-${who}`) })
  children.push(run)
  return run
}

/** A device this test process runs, calling itself `alias`. */
async function device (alias: string): Promise<FerryNode> {
  const node = await FerryNode.create({ identity: await generateIdentity(), alias, listen: { host: '127.0.0.1', port: 0 } })
  nodes.push(node)
  return node
}

describe('red team: ferry receive --once and offers it declines', () => {
  it('with --yes, declines an impostor alias and a hidden folder, keeps waiting, then receives the real send and exits 0', async () => {
    // The receiver knows and trusts a device called "nas"; an impostor will call itself "nаs" (Cyrillic а).
    const trusted = await generateIdentity()
    expect((await ferry(['trust', trusted.peerId, '--auto-accept', '--dir', join(dir, 'trusted-in')], 'receiver').exited).code).toBe(0)
    const devicesFile = join(dir, 'config-receiver', 'devices.json')
    const store = JSON.parse(await readFile(devicesFile, 'utf8')) as { devices: Array<Record<string, unknown>> }
    store.devices[0] = { ...store.devices[0], alias: 'nas' }
    await writeFile(devicesFile, JSON.stringify(store))

    const out = join(dir, 'received')
    const receiver = ferry(['receive', '--dir', out, '--host', '127.0.0.1', '--port', '0', '--yes', '--once', '--json'], 'receiver')
    const listening = await receiver.waitFor('listening')
    const address = addressOf(String(listening.address))

    const impostor = await device('n\u0430s')
    await expect(impostor.send({ address, paths: [], text: 'it is me, really', reconnect: false })).rejects.toMatchObject({ code: 'FERRY_ERR_PEER_DECLINED' })
    await mkdir(join(dir, 'home', '.ssh'), { recursive: true })
    await writeFile(join(dir, 'home', '.ssh', 'authorized_keys'), 'ssh-ed25519 AAAA attacker')
    const hidden = await device('helpful')
    await expect(hidden.send({ address, paths: [join(dir, 'home')], reconnect: false })).rejects.toMatchObject({ code: 'FERRY_ERR_PEER_DECLINED' })
    await expect.poll(() => receiver.events.filter((e) => e.type === 'declined').map((e) => e.reason)).toEqual(['identity-changed', 'hidden-paths'])
    // Before: the first declined offer ended the receiver with code 1, so nobody was left to take the real send.
    expect(receiver.child.exitCode).toBeNull()

    await writeFile(join(dir, 'report.txt'), 'the one we were waiting for')
    const sent = await ferry(['send', join(dir, 'report.txt'), '--to', String(listening.address)], 'sender').exited
    expect(sent.code, sent.stderr).toBe(0)
    expect(await exitWithin(receiver, 20_000)).toBe(0)
    expect(await readFile(join(out, 'report.txt'), 'utf8')).toBe('the one we were waiting for')
    expect(receiver.events.filter((e) => e.type === 'received')).toHaveLength(1)
    await expect(readFile(join(out, 'home', '.ssh', 'authorized_keys'))).rejects.toThrow()
  }, 90_000)

  it('keeps waiting after the user declines an offer at the prompt, and exits with the code of the transfer the user accepts', async () => {
    const out = join(dir, 'received')
    const receiver = ferry(['receive', '--dir', out, '--host', '127.0.0.1', '--port', '0', '--once', '--json'], 'receiver')
    const listening = await receiver.waitFor('listening')
    const address = addressOf(String(listening.address))

    await writeFile(join(dir, 'unwanted.txt'), 'not this one')
    const stranger = await device('stranger')
    const refused = stranger.send({ address, paths: [join(dir, 'unwanted.txt')], reconnect: false })
    await receiver.waitFor('offer')
    receiver.child.stdin?.write('n\n')
    await expect(refused).rejects.toMatchObject({ code: 'FERRY_ERR_PEER_DECLINED' })
    await expect.poll(() => receiver.events.filter((e) => e.type === 'declined')).toHaveLength(1)
    // Before: the user's "no" ended the receiver with code 1.
    expect(receiver.child.exitCode).toBeNull()

    await writeFile(join(dir, 'wanted.txt'), 'this one')
    const friend = await device('friend')
    const taken = friend.send({ address, paths: [join(dir, 'wanted.txt')], reconnect: false })
    taken.catch(() => {})
    await expect.poll(() => receiver.events.filter((e) => e.type === 'offer')).toHaveLength(2)
    receiver.child.stdin?.write('y\n')
    expect((await taken).files).toBe(1)
    expect(await exitWithin(receiver, 20_000)).toBe(0)
    expect(await readFile(join(out, 'wanted.txt'), 'utf8')).toBe('this one')
    await expect(readFile(join(out, 'unwanted.txt'))).rejects.toThrow()
  }, 90_000)
})
