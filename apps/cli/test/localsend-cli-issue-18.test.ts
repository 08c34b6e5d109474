// Issue 18 through the real `ferry` command on 127.0.0.1: `ferry receive` takes files from a LocalSend sender (the
// test peer, written from the spec) through the same offer decision as Ferry's own, `ferry send --to localsend://`
// delivers to a LocalSend receiver, a device that shows a known alias under another certificate is flagged, and a
// taken LocalSend port is said clearly while Ferry goes on receiving.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runFerry, type CliRun } from './helpers/cli-process.ts'
import { prepareUpload, upload } from '../../../packages/localsend/test/peer/peer-client.ts'
import { startPeerServer, type PeerServer } from '../../../packages/localsend/test/peer/peer-server.ts'
import { createNamespacePair, startScript, type NamespacePair } from '../../../packages/localsend/test/helpers/namespaces.ts'

let dir: string
const children: CliRun[] = []
const closers: Array<() => Promise<void>> = []
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ferry-cli-ls-')) })
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL')
  for (const close of closers.splice(0)) await close()
  await rm(dir, { recursive: true, force: true })
})

/** `ferry ARGS` with LocalSend on (tests keep it off unless they ask: FERRY_NO_LOCALSEND). */
function ferry (args: string[], name: string): CliRun {
  const run = runFerry(args, { FERRY_CONFIG_DIR: join(dir, `config-${name}`), FERRY_NO_LOCALSEND: '0' })
  children.push(run)
  return run
}

async function peer (options: Parameters<typeof startPeerServer>[0]): Promise<PeerServer> {
  const server = await startPeerServer(options)
  closers.push(server.close)
  return server
}

describe('ferry and LocalSend on 127.0.0.1 (issue 18)', () => {
  it('ferry receive takes a folder from a LocalSend sender over https, through the same offer decision', async () => {
    const out = join(dir, 'received')
    const receiver = ferry(['receive', '--dir', out, '--host', '127.0.0.1', '--port', '0', '--localsend-port', '0', '--once', '--yes', '--json'], 'receiver')
    const ls = await receiver.waitFor('localsend')
    expect(ls).toMatchObject({ protocol: 'https', fingerprint: expect.stringMatching(/^[0-9A-F]{64}$/) as string })
    const target = { host: '127.0.0.1', port: ls.port as number, protocol: 'https' as const }
    const files = [{ fileName: 'trip/a.jpg', data: Buffer.alloc(100_000, 1) }, { fileName: 'trip/notes.txt', data: Buffer.from('hello') }]
    const answer = await prepareUpload(target, files)
    expect(answer.status).toBe(200)
    const { sessionId, files: tokens } = answer.json() as { sessionId: string, files: Record<string, string> }
    for (const [i, f] of files.entries()) expect((await upload(target, sessionId, answer.ids[i] as string, tokens[answer.ids[i] as string] as string, f.data)).status).toBe(200)
    const done = await receiver.exited
    expect(done.code, done.stderr).toBe(0)
    expect(receiver.events.find((e) => e.type === 'offer')).toMatchObject({ from: { alias: 'Test Peer', peerId: expect.stringMatching(/^localsend:/) as string }, files: 2 })
    expect(receiver.events.find((e) => e.type === 'received')).toMatchObject({ files: 2, bytes: 100_005 })
    expect(await readFile(join(out, 'trip', 'notes.txt'), 'utf8')).toBe('hello')
  })

  it('ferry send --to localsend:// delivers files and a folder, and says it was checked with SHA-256', async () => {
    const receiver = await peer({ protocol: 'https' })
    const src = join(dir, 'album')
    await mkdir(join(src, 'inner'), { recursive: true })
    await writeFile(join(src, 'inner', 'x.bin'), Buffer.alloc(50_000, 3))
    await writeFile(join(src, 'y.txt'), 'why')
    const sender = ferry(['send', src, '--to', `localsend://127.0.0.1:${receiver.port}`], 'sender')
    const sent = await sender.exited
    expect(sent.code, sent.stderr + sent.stdout).toBe(0)
    expect(sent.stdout).toMatch(/Sent 2 files.*SHA-256/)
    expect([...receiver.received.keys()].sort()).toEqual(['album/inner/x.bin', 'album/y.txt'])
  })

  it('flags a LocalSend device that uses a known alias under another certificate, and reports a decline with its code', async () => {
    const plain = await peer({ protocol: 'http' })
    const src = join(dir, 'f.txt')
    await writeFile(src, 'f')
    const first = ferry(['send', src, '--to', `localsend+http://127.0.0.1:${plain.port}`, '--json'], 'sender')
    expect((await first.exited).code).toBe(0)
    const declining = await peer({ protocol: 'https', decide: () => 'decline' })
    const second = ferry(['send', src, '--to', `localsend://127.0.0.1:${declining.port}`, '--json'], 'sender')
    const result = await second.exited
    expect(result.code).toBe(1)
    expect(second.events.find((e) => e.type === 'localsend-device')).toMatchObject({ alias: 'Test Peer', trust: 'new', identityChanged: { alias: 'Test Peer' } })
    expect(second.events.find((e) => e.type === 'error')).toMatchObject({ code: 'FERRY_ERR_LOCALSEND_DECLINED' })
  })

  it('with the LocalSend port taken, ferry receive says so and still takes Ferry transfers', async () => {
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => { blocker.listen(0, '127.0.0.1', resolve) })
    closers.push(async () => { await new Promise<void>((resolve) => { blocker.close(() => { resolve() }) }) })
    const port = (blocker.address() as { port: number }).port
    const out = join(dir, 'received')
    const receiver = ferry(['receive', '--dir', out, '--host', '127.0.0.1', '--port', '0', '--localsend-port', String(port), '--once', '--yes', '--json'], 'receiver')
    const unavailable = await receiver.waitFor('localsend-unavailable')
    expect(unavailable).toMatchObject({ code: 'FERRY_ERR_LOCALSEND_PORT_IN_USE', message: expect.stringContaining(String(port)) as string })
    const listening = await receiver.waitFor('listening')
    const src = join(dir, 'g.txt')
    await writeFile(src, 'g')
    const sender = ferry(['send', src, '--to', listening.address as string, '--json'], 'sender')
    expect((await sender.exited).code).toBe(0)
    expect((await receiver.exited).code).toBe(0)
    expect(await readFile(join(out, 'g.txt'), 'utf8')).toBe('g')
  })
})

const made = await createNamespacePair('cli-localsend')
const pair: NamespacePair | undefined = 'skip' in made ? undefined : made
afterAll(() => { pair?.remove() })

describe.runIf(pair !== undefined)('ferry peers and LocalSend between network namespaces (issue 18)', () => {
  it('lists a LocalSend device found by multicast with a LocalSend mark, its alias, device type and model', async () => {
    const { a, b } = pair as NamespacePair
    const multicastPort = 45318
    const peer = startScript(b.name, fileURLToPath(new URL('../../../packages/localsend/test/peer/peer-discovery.ts', import.meta.url)), { address: b.address, multicastPort, protocol: 'https', mode: 'register' })
    closers.push(async () => { peer.kill() })
    const ready = await peer.waitFor((e) => e.type === 'ready', 10_000)
    const peers = runFerry(['peers', '--json', '--wait', '3000', '--no-mdns', '--localsend-port', String(multicastPort)], { FERRY_CONFIG_DIR: join(dir, 'peers'), FERRY_NO_LOCALSEND: '0' }, ['ip', 'netns', 'exec', a.name])
    children.push(peers)
    const done = await peers.exited
    expect(done.code, done.stderr).toBe(0)
    expect(peers.events.find((e) => e.type === 'peers')).toMatchObject({
      peers: [{ alias: 'Test Peer', deviceType: 'headless', deviceModel: 'Conformance', sources: ['localsend'], addresses: [`${b.address}:${String(ready.port)}`], localsend: { protocol: 'https', fingerprint: ready.fingerprint, verified: true }, trust: 'new' }]
    })
  })
})
