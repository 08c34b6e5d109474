// A Ferry device for the namespace tests, run as its own process inside a network namespace: a FerryNode plus
// Discovery (mDNS on, unless told otherwise), printing one JSON object a line. It accepts every text offer and
// takes commands on stdin: `{"cmd":"add","target":"HOST:PORT[/ID]"}` adds a typed address, `{"cmd":"send-text",
// "peerId":..., "text":...}` sends a text to a listed peer. SIGTERM closes it cleanly (mDNS goodbye); the tests
// also SIGKILL it to play a device that vanishes.

import { tmpdir } from 'node:os'
import { createInterface } from 'node:readline'
import {
  Discovery, FerryError, FerryNode, generateIdentity, parsePeerTarget, type DiscoveredPeer, type DiscoveryOptions, type KnownPeer
} from '../../src/index.ts'

interface Config {
  alias: string
  mdns: boolean
  known?: KnownPeer[]
  options?: Partial<DiscoveryOptions>
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config
const print = (event: Record<string, unknown>): void => { process.stdout.write(`${JSON.stringify({ at: Date.now(), ...event })}\n`) }
const failure = (err: unknown): Record<string, unknown> => ({ code: err instanceof FerryError ? err.code : 'ERROR', message: err instanceof Error ? err.message : String(err) })

const node = await FerryNode.create({ identity: await generateIdentity(), alias: config.alias, listen: { host: '0.0.0.0', port: 0 } })
const discovery = new Discovery({
  self: { peerId: node.peerId, alias: node.alias, deviceType: node.deviceType, port: node.address.port },
  ping: async (request) => await node.ping(request),
  advertise: config.mdns,
  browse: config.mdns,
  options: config.options
})
for (const type of ['appeared', 'updated', 'gone'] as const) {
  discovery.on(type, (peer: DiscoveredPeer) => { print({ type, peer }) })
}
node.on('offer', (offer) => {
  if (offer.files.length > 0) {
    void offer.respond({ accept: false }).catch(() => {})
    return
  }
  void offer.respond({ accept: true, dir: tmpdir() }).then(
    () => { print({ type: 'received', text: offer.text, from: offer.from.peerId }) },
    (err: unknown) => { print({ type: 'receive-failed', ...failure(err) }) })
})
discovery.addKnown(config.known ?? [])
print({ type: 'ready', pid: process.pid, peerId: node.peerId, port: node.address.port, alias: node.alias })

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as { cmd: string, target?: string, peerId?: string, text?: string }
  if (command.cmd === 'add') {
    discovery.addManual(parsePeerTarget(command.target ?? ''), { signal: AbortSignal.timeout(5_000) }).then(
      (peer) => { print({ type: 'added', peer }) },
      (err: unknown) => { print({ type: 'add-failed', ...failure(err) }) })
  } else if (command.cmd === 'send-text') {
    const peer = discovery.peers().find((p) => p.peerId === command.peerId)
    const address = peer?.addresses[0]
    if (address === undefined) {
      print({ type: 'send-failed', code: 'NOT_LISTED', message: `${command.peerId ?? ''} is not listed with an address` })
      return
    }
    node.send({ address, peerId: command.peerId, paths: [], text: command.text, signal: AbortSignal.timeout(10_000) }).then(
      () => { print({ type: 'sent' }) },
      (err: unknown) => { print({ type: 'send-failed', ...failure(err) }) })
  }
})

process.once('SIGTERM', () => {
  void discovery.close().then(async () => { await node.close() }).finally(() => { process.exit(0) })
})
