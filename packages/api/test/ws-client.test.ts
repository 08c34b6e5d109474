// The WebSocket bridge client speaks the wire format documented in ws-client.ts: calls as {id, method, args},
// answers as {id, result|error}, events as {event, payload}, cancels as {cancel}. A fake socket plays the server.

import { describe, expect, it } from 'vitest'
import { ferryApiEvents, type FerryApi } from '../src/ferry-api.ts'
import { apiSocketUrl, CLOSE_UNAUTHORIZED, createWsFerryApi, type SocketLike } from '../src/ws-client.ts'

class FakeSocket implements SocketLike {
  readonly sent: Array<Record<string, unknown>> = []
  closedWith: number | undefined
  onopen: SocketLike['onopen'] = null
  onmessage: SocketLike['onmessage'] = null
  onclose: SocketLike['onclose'] = null
  onerror: SocketLike['onerror'] = null
  readonly url: string
  constructor (url: string) { this.url = url }
  send (data: string): void { this.sent.push(JSON.parse(data) as Record<string, unknown>) }
  close (code?: number): void { this.closedWith = code }
  // the server's side
  open (): void { this.onopen?.({}) }
  reply (message: unknown): void { this.onmessage?.({ data: JSON.stringify(message) }) }
  drop (code = 1006): void { this.onclose?.({ code }) }
}

function setUp () {
  const sockets: FakeSocket[] = []
  const api = createWsFerryApi({
    url: 'ws://127.0.0.1:5000/api',
    connect: (url) => { const s = new FakeSocket(url); sockets.push(s); return s },
    reconnectDelayMs: () => 0
  })
  const socket = (): FakeSocket => sockets[sockets.length - 1] as FakeSocket
  return { api, sockets, socket }
}

const tick = async (): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, 0)) }

describe('the WebSocket FerryApi client', () => {
  it('connects to the API socket on the page’s own origin, with no secret in the URL (the session cookie signs it in)', () => {
    expect(apiSocketUrl({ protocol: 'http:', host: '127.0.0.1:5000' })).toBe('ws://127.0.0.1:5000/api')
    expect(apiSocketUrl({ protocol: 'https:', host: 'box:443' })).toBe('wss://box:443/api')
  })

  it('sends a call as {id, method, args} and resolves with the result', async () => {
    const { api, socket } = setUp()
    socket().open()
    const sent = api.sendFiles('peer', ['/a'])
    expect(socket().sent).toEqual([{ id: 1, method: 'sendFiles', args: ['peer', ['/a']] }])
    socket().reply({ id: 1, result: { transferId: 't1' } })
    expect(await sent).toEqual({ transferId: 't1' })
  })

  it('leaves out the options object and trailing omitted arguments', async () => {
    const { api, socket } = setUp()
    socket().open()
    void api.setTrust('peer', 'trusted', undefined, { signal: new AbortController().signal })
    void api.setTrust('peer', 'known', false)
    void api.getState({})
    expect(socket().sent.map((m) => m.args)).toEqual([['peer', 'trusted'], ['peer', 'known', false], []])
  })

  it('rejects with the host’s error, code and all', async () => {
    const { api, socket } = setUp()
    socket().open()
    const call = api.addPeerByAddress('x')
    socket().reply({ id: 1, error: { name: 'UnreachableError', code: 'FERRY_ERR_UNREACHABLE', message: 'no route' } })
    await expect(call).rejects.toMatchObject({ name: 'UnreachableError', code: 'FERRY_ERR_UNREACHABLE', message: 'no route' })
  })

  it('answers calls in whatever order the host answers them', async () => {
    const { api, socket } = setUp()
    socket().open()
    const first = api.pickFolder()
    const second = api.pickFiles()
    socket().reply({ id: 2, result: ['/b'] })
    socket().reply({ id: 1, result: '/a' })
    expect(await Promise.all([first, second])).toEqual(['/a', ['/b']])
  })

  it('hands every event to the listeners of its onXxx method', () => {
    const { api, socket } = setUp()
    socket().open()
    const seen: Array<[string, unknown]> = []
    for (const event of ferryApiEvents) {
      const method = `on${event[0]?.toUpperCase() ?? ''}${event.slice(1)}` as keyof FerryApi
      const subscribe = api[method] as (listener: (payload: unknown) => void) => () => void
      subscribe((payload) => { seen.push([event, payload]) })
      socket().reply({ event, payload: { from: event } })
    }
    expect(seen).toEqual(ferryApiEvents.map((event) => [event, { from: event }]))
  })

  it('stops calling a listener once unsubscribed, and ignores frames it cannot read', () => {
    const { api, socket } = setUp()
    socket().open()
    const seen: unknown[] = []
    const unsubscribe = api.onSettings((s) => { seen.push(s) })
    socket().onmessage?.({ data: 'not json' })
    socket().reply({ event: 'nonsense', payload: 1 })
    socket().reply({ event: 'settings', payload: 1 })
    unsubscribe()
    socket().reply({ event: 'settings', payload: 2 })
    expect(seen).toEqual([1])
  })

  it('holds calls made while connecting until the socket opens', async () => {
    const { api, socket } = setUp()
    const state = api.getState()
    expect(socket().sent).toEqual([])
    socket().open()
    expect(socket().sent).toEqual([{ id: 1, method: 'getState', args: [] }])
    socket().reply({ id: 1, result: { ok: true } })
    expect(await state).toEqual({ ok: true })
  })

  it('rejects an aborted call with FERRY_ERR_CANCELLED and tells the host to cancel it', async () => {
    const { api, socket } = setUp()
    socket().open()
    const controller = new AbortController()
    const call = api.addPeerByAddress('10.0.0.2:4000', { signal: controller.signal })
    controller.abort()
    await expect(call).rejects.toMatchObject({ code: 'FERRY_ERR_CANCELLED' })
    expect(socket().sent[1]).toEqual({ cancel: 1 })
    socket().reply({ id: 1, result: {} }) // a late answer is ignored
  })

  it('rejects calls in flight when the socket drops, reconnects, and reports the link state', async () => {
    const { api, sockets, socket } = setUp()
    const states: string[] = []
    api.onConnection((s) => { states.push(s) })
    socket().open()
    const call = api.getState()
    socket().drop()
    await expect(call).rejects.toMatchObject({ code: 'FERRY_ERR_API_DISCONNECTED' })
    await tick()
    expect(sockets).toHaveLength(2)
    socket().open()
    expect(states).toEqual(['connecting', 'open', 'connecting', 'open'])
  })

  it('gives up when the host refuses the page (close code 4401)', async () => {
    const { api, sockets, socket } = setUp()
    const errors: string[] = []
    api.onError((e) => { errors.push(e.error.code) })
    socket().drop(CLOSE_UNAUTHORIZED)
    await tick()
    expect(sockets).toHaveLength(1)
    expect(errors).toEqual(['FERRY_ERR_API_UNAUTHORIZED'])
    await expect(api.getState()).rejects.toMatchObject({ code: 'FERRY_ERR_API_DISCONNECTED' })
  })

  it('closes for good on close()', async () => {
    const { api, socket } = setUp()
    socket().open()
    const call = api.getState()
    api.close()
    await expect(call).rejects.toMatchObject({ code: 'FERRY_ERR_API_DISCONNECTED' })
    expect(socket().closedWith).toBe(1000)
  })
})
