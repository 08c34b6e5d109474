import { afterEach, describe, expect, it } from 'vitest'
import type { AddressInfo } from 'node:net'
import { loadWs, WS_MAX_PAYLOAD } from '../src/index.ts'
import { bridge, startService, type Bridged, type TestService } from './helpers.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c() })

async function setUp (): Promise<{ svc: TestService, b: Bridged, port: number }> {
  const svc = await startService()
  cleanups.push(svc.close)
  const b = await bridge(svc.service)
  cleanups.push(b.close)
  return { svc, b, port: (b.server.address() as AddressInfo).port }
}

/** Opens a raw socket; resolves with what happened first: the close code, or an HTTP refusal. */
async function outcome (url: string, origin?: string, send?: string, cookie?: string): Promise<{ closed?: number, refused?: string, reply?: unknown }> {
  const { WebSocket } = loadWs()
  const ws = new WebSocket(url, { ...(origin === undefined ? {} : { origin }), ...(cookie === undefined ? {} : { headers: { cookie } }) })
  return await new Promise((resolve) => {
    ws.on('error', (err) => { resolve({ refused: err.message }) })
    ws.onopen = () => { if (send !== undefined) ws.send(send) }
    ws.onmessage = (event) => { resolve({ reply: JSON.parse(String(event.data)) }); ws.close() }
    ws.onclose = (event) => { resolve({ closed: event.code }) }
  })
}

describe('the WebSocket bridge', () => {
  it('closes a socket that is not signed in with 4401', async () => {
    const { port, b } = await setUp()
    expect(await outcome(`ws://127.0.0.1:${port}/api`, `http://127.0.0.1:${port}`)).toEqual({ closed: 4401 })
    expect(await outcome(`ws://127.0.0.1:${port}/api`, `http://127.0.0.1:${port}`, undefined, `${b.cookie}x`)).toEqual({ closed: 4401 })
  })

  it('refuses another origin, a missing origin and a foreign Host before any WebSocket exists', async () => {
    const { b, port } = await setUp()
    expect((await outcome(b.url, 'http://evil.example', undefined, b.cookie)).refused).toMatch(/403/)
    expect((await outcome(b.url, undefined, undefined, b.cookie)).refused).toMatch(/403/)
    expect((await outcome(`ws://localhost:${port}/api`, `http://127.0.0.1:${port}`, undefined, b.cookie)).refused).toMatch(/403/)
    expect((await outcome(`ws://127.0.0.1:${port}/other`, `http://127.0.0.1:${port}`, undefined, b.cookie)).refused).toMatch(/404/)
  })

  it('answers only methods in ferryApiMethods, with their argument count', async () => {
    const { b, port } = await setUp()
    const origin = `http://127.0.0.1:${port}`
    expect(await outcome(b.url, origin, JSON.stringify({ id: 1, method: 'close', args: [] }), b.cookie)).toEqual({ reply: { id: 1, error: expect.objectContaining({ code: 'FERRY_ERR_API_INVALID_ARGUMENT' }) } })
    expect(await outcome(b.url, origin, JSON.stringify({ id: 2, method: 'constructor', args: [] }), b.cookie)).toEqual({ reply: { id: 2, error: expect.objectContaining({ code: 'FERRY_ERR_API_INVALID_ARGUMENT' }) } })
    expect(await outcome(b.url, origin, JSON.stringify({ id: 3, method: 'getState', args: [1] }), b.cookie)).toEqual({ reply: { id: 3, error: expect.objectContaining({ code: 'FERRY_ERR_API_INVALID_ARGUMENT' }) } })
    expect(await outcome(b.url, origin, JSON.stringify({ id: 4, method: 'getState' }), b.cookie)).toMatchObject({ reply: { id: 4, result: { settings: expect.any(Object) } } })
  })

  it('closes the socket with 4400 on a frame that is not JSON, and on one over 1 MiB', async () => {
    const { b, port } = await setUp()
    const origin = `http://127.0.0.1:${port}`
    expect(await outcome(b.url, origin, 'not json', b.cookie)).toEqual({ closed: 4400 })
    expect((await outcome(b.url, origin, 'x'.repeat(WS_MAX_PAYLOAD + 1), b.cookie)).closed).toBe(1009)
  })

  it('forwards events to every open page', async () => {
    const { svc, b } = await setUp()
    const second = await bridge(svc.service)
    cleanups.push(second.close)
    const both = Promise.all([b.client, second.client].map(async (c) => await new Promise((resolve) => { c.onDevice(resolve) })))
    await b.client.updateSettings({ alias: 'Shared' })
    expect(await both).toEqual([expect.objectContaining({ alias: 'Shared' }), expect.objectContaining({ alias: 'Shared' })])
  })
})
