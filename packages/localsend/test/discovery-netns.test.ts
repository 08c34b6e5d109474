// LocalSend discovery between two network namespaces joined by a veth pair (issue 18): Ferry and the test peer
// (written from the spec) each announce on the multicast group; each finds the other, by register over HTTP(S)
// as the newer apps answer, or by the UDP `announce: false` fallback older apps use. The namespaces are made and
// removed here (names unique to the run); where the machine does not allow them, the tests are skipped.

import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createNamespacePair, startScript, type NamespacePair, type ScriptProcess } from './helpers/namespaces.ts'

const made = await createNamespacePair('localsend')
const pair: NamespacePair | undefined = 'skip' in made ? undefined : made
const skipReason = 'skip' in made ? made.skip : undefined
/** Not LocalSend's 53317: the group's port is configurable, and the tests keep off the real default. */
const MULTICAST_PORT = 45317

const FERRY = fileURLToPath(new URL('./fixtures/discovery-ferry.ts', import.meta.url))
const PEER = fileURLToPath(new URL('./peer/peer-discovery.ts', import.meta.url))

const running: ScriptProcess[] = []
afterEach(() => { for (const p of running.splice(0)) p.kill() })
afterAll(() => { pair?.remove() })

function start (ns: string, script: string, config: Record<string, unknown>): ScriptProcess {
  const p = startScript(ns, script, config)
  running.push(p)
  return p
}

const isType = (type: string) => (e: Record<string, unknown>): boolean => e.type === type

if (skipReason !== undefined) {
  describe('LocalSend discovery across network namespaces (issue 18)', () => {
    it.skip(`is skipped: ${skipReason}`, () => {})
  })
}

describe.runIf(pair !== undefined)('LocalSend discovery across network namespaces (issue 18)', () => {
  const { a, b } = pair ?? { a: { name: '', address: '' }, b: { name: '', address: '' } }

  it.each(['https', 'http'] as const)('over %s, each side registers with the other when it hears its announce', async (protocol) => {
    const peer = start(b.name, PEER, { address: b.address, multicastPort: MULTICAST_PORT, protocol, mode: 'register' })
    const peerReady = await peer.waitFor(isType('ready'), 10_000)
    const ferry = start(a.name, FERRY, { address: a.address, multicastPort: MULTICAST_PORT, protocol })
    const ferryReady = await ferry.waitFor(isType('ready'), 10_000)
    // Ferry announced; the peer registered with it over HTTP(S): Ferry knows the peer.
    const seen = await ferry.waitFor((e) => e.type === 'device' && (e.device as { ip: string }).ip === b.address, 10_000)
    expect(seen.device).toMatchObject({ ip: b.address, info: { alias: 'Test Peer', deviceType: 'headless', deviceModel: 'Conformance' } })
    await peer.waitFor((e) => e.type === 'registered' && e.status === 200, 10_000)
    // The peer announces again (a burst, then once a second): Ferry answers with a register of its own.
    const registered = await peer.waitFor(isType('register-received'), 10_000)
    expect(registered.body).toMatchObject({ alias: 'Ferry in a namespace', fingerprint: ferryReady.fingerprint, port: ferryReady.port, protocol })
    if (protocol === 'https') {
      expect(registered.clientFingerprint).toBe(ferryReady.fingerprint)
      const proven = await ferry.waitFor((e) => e.type === 'device' && (e.device as { certificateFingerprint?: string }).certificateFingerprint !== undefined, 10_000)
      expect((proven.device as { certificateFingerprint: string }).certificateFingerprint).toBe(peerReady.fingerprint)
    }
  })

  it('with an older app that answers only over UDP, and a register that cannot reach it, both still find each other', async () => {
    const peer = start(b.name, PEER, { address: b.address, multicastPort: MULTICAST_PORT, protocol: 'https', mode: 'udp', announcedPort: 9 })
    await peer.waitFor(isType('ready'), 10_000)
    const ferry = start(a.name, FERRY, { address: a.address, multicastPort: MULTICAST_PORT, protocol: 'https' })
    await ferry.waitFor(isType('ready'), 10_000)
    // The peer's answer to Ferry's announce is UDP only.
    const answered = await ferry.waitFor((e) => e.type === 'device' && (e.device as { via: string }).via === 'answer', 10_000)
    expect(answered.device).toMatchObject({ ip: b.address, info: { alias: 'Test Peer' } })
    // The peer's announce names a port nobody listens on: Ferry's register fails, and it answers over UDP instead.
    const fallback = await peer.waitFor((e) => e.type === 'heard' && (e.message as { announce?: boolean }).announce === false, 10_000)
    expect(fallback.from).toBe(a.address)
    expect(fallback.message).toMatchObject({ alias: 'Ferry in a namespace', announce: false })
  })
})
