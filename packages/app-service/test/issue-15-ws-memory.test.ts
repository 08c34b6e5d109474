// Issue 15: the `ferry ui` bridge's memory is bounded for all its sockets together. 300 signed-in sockets that never
// read, each sent a large snapshot, drove a server to 10.4 GB: the 8 MiB limit was per socket and sockets were
// unlimited, and two getState calls at once cut even a page that was reading. The bridge runs in a child process
// here (fixtures/bridge-process.ts), so its RSS is its own; bounds are generous (the machine is shared).

import { fork, type ChildProcess } from 'node:child_process'
import { connect, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultWsBridgeLimits } from '../src/index.ts'
import type { BridgeProcessConfig, BridgeProcessReady, BridgeProcessReply, BridgeProcessRequest, BridgeProcessStats } from './fixtures/bridge-process.ts'
import { bigStateApi } from './helpers/big-state-api.ts'
import { bridge } from './helpers.ts'

const SCRIPT = fileURLToPath(new URL('./fixtures/bridge-process.ts', import.meta.url))
const MiB = 1024 * 1024

interface BridgeProcess extends Omit<BridgeProcessReady, 'type'> {
  ask: (type: BridgeProcessRequest['type']) => Promise<BridgeProcessStats>
  close: () => Promise<void>
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c() })

async function startBridgeProcess (config: BridgeProcessConfig): Promise<BridgeProcess> {
  const child: ChildProcess = fork(SCRIPT, [JSON.stringify(config)], { execArgv: ['--no-warnings', '--expose-gc'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  const ready = await new Promise<BridgeProcessReady>((resolve, reject) => {
    child.once('message', (m: BridgeProcessReady) => { resolve(m) })
    child.once('exit', (code) => { reject(new Error(`the bridge process exited with ${code ?? 'a signal'}: ${stderr}`)) })
  })
  let nextId = 1
  const ask = async (type: BridgeProcessRequest['type']): Promise<BridgeProcessStats> => {
    const id = nextId++
    return await new Promise((resolve) => {
      const onMessage = (m: BridgeProcessReply): void => {
        if (m.type !== 'reply' || m.id !== id) return
        child.off('message', onMessage)
        resolve(m.stats)
      }
      child.on('message', onMessage)
      child.send({ id, type } satisfies BridgeProcessRequest)
    })
  }
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.connected) await ask('close').catch(() => {})
    const kill = setTimeout(() => { child.kill('SIGKILL') }, 5000)
    await exited
    clearTimeout(kill)
  }
  cleanups.push(close)
  return { port: ready.port, cookie: ready.cookie, ask, close }
}

/** A masked client text frame (RFC 6455) with a payload under 126 bytes. */
function clientFrame (text: string): Buffer {
  const payload = Buffer.from(text)
  const mask = randomBytes(4)
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload.map((b, i) => b ^ (mask[i % 4] as number))])
}

/**
 * A signed-in API socket that asks for the state and then never reads again. Resolves with the socket, or with
 * the HTTP status of a refused upgrade.
 */
async function openNonReader (port: number, cookie: string): Promise<{ socket: Socket, status: number }> {
  const socket = connect(port, '127.0.0.1')
  cleanups.push(async () => { socket.destroy() })
  socket.on('error', () => {})
  socket.write(`GET /api HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\nCookie: ${cookie}\r\n` +
    `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`)
  const head = await new Promise<string>((resolve) => {
    let text = ''
    const onData = (d: Buffer): void => {
      text += d.toString('latin1')
      if (!text.includes('\r\n\r\n')) return
      socket.off('data', onData)
      socket.pause()
      resolve(text)
    }
    socket.on('data', onData)
    socket.once('close', () => { resolve(text) })
  })
  const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0)
  if (status === 101) socket.write(clientFrame(JSON.stringify({ id: 1, method: 'getState' })))
  return { socket, status }
}

async function settle (ms: number): Promise<void> { await new Promise((resolve) => setTimeout(resolve, ms)) }

describe('the WebSocket bridge under many sockets (issue 15)', () => {
  it('documents its limits: 16 sockets, 8 MiB each, 32 MiB together, a 10 s stall', () => {
    expect(defaultWsBridgeLimits).toEqual({ maxSockets: 16, maxBufferedBytes: 8 * MiB, maxTotalBufferedBytes: 32 * MiB, stallTimeoutMs: 10_000 })
  })

  it('holds at most its budget for 120 signed-in sockets that never read, each sent a 4 MiB snapshot, and cuts them', async () => {
    const server = await startBridgeProcess({ snapshotBytes: 4 * MiB, limits: { stallTimeoutMs: 3_000 } })
    const before = await server.ask('retained')
    const base = await server.ask('reset-peak')
    const opened = []
    // In batches, so the attack itself does not time out on a loaded machine.
    for (let batch = 0; batch < 6; batch++) opened.push(...await Promise.all(Array.from({ length: 20 }, async () => await openNonReader(server.port, server.cookie))))
    const accepted = opened.filter((o) => o.status === 101).length
    await settle(1_500)
    const during = await server.ask('retained')
    const held = during.retained - before.retained
    console.log(`120 non-reading sockets, 4 MiB snapshot each: ${accepted} accepted, ${opened.length - accepted} refused; ` +
      `RSS ${(base.rss / MiB).toFixed(0)} -> peak ${(during.peakRss / MiB).toFixed(0)} MiB (+${((during.peakRss - base.rss) / MiB).toFixed(0)}); ` +
      `retained after GC +${(held / MiB).toFixed(1)} MiB; queued for sockets ${(during.bufferedBytes / MiB).toFixed(1)} MiB`)
    expect(accepted).toBeLessThanOrEqual(defaultWsBridgeLimits.maxSockets)
    expect(opened.filter((o) => o.status === 503)).toHaveLength(opened.length - accepted)
    expect(during.bufferedBytes).toBeLessThanOrEqual(defaultWsBridgeLimits.maxTotalBufferedBytes + 4.5 * MiB)
    // 120 snapshots of 4 MiB held at once are 480 MiB and more (the bridge before issue 15: +633 MiB RSS). The peak
    // includes garbage not yet collected; what stays after a GC is within the budget.
    expect(during.peakRss - base.rss).toBeLessThan(300 * MiB)
    expect(held).toBeLessThan(defaultWsBridgeLimits.maxTotalBufferedBytes + 32 * MiB)
    // Sockets that take nothing for the stall timeout are cut, and what they held is let go.
    await expect.poll(async () => (await server.ask('stats')).clients, { timeout: 15_000, interval: 500 }).toBe(0)
    expect((await server.ask('stats')).bufferedBytes).toBe(0)
  })

  it('answers two getState calls at once on a page that reads, even when each answer is larger than a socket’s limit', async () => {
    const b = await bridge(bigStateApi(12 * MiB))
    cleanups.push(b.close)
    const [one, two] = await Promise.all([b.client.getState(), b.client.getState()])
    expect(one.history.length).toBeGreaterThan(150)
    expect(two).toEqual(one)
    expect(b.bridge.clients).toBe(1)
  })
})
