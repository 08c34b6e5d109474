import { ferryApiEvents, ferryApiMethods, type CallOptions, type FerryMethodName } from '@ferry/api'
import { FakeFerryApi } from '@ferry/api/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_CALLS_IN_FLIGHT, isAppPageUrl, registerIpcBridge, type IpcBridge } from '../src/main/ipc-bridge.ts'
import { CANCEL_CHANNEL, callChannel, eventChannel, type IpcResult } from '../src/shared/ipc-protocol.ts'
import { APP_URL, fakeIpcPair, type FakeIpcPair } from './helpers/fake-ipc.ts'

const PEER = '12D3KooWQfRrLy2C7Jc6c7GHcFyvYT5Ahu5k6xPoMBRfAb7XYXBR'

describe('IPC bridge (main side)', () => {
  let bridge: IpcBridge | undefined
  afterEach(() => { bridge?.dispose(); bridge = undefined })

  const setup = (api = new FakeFerryApi()): FakeIpcPair & { api: FakeFerryApi, invoke: (method: FerryMethodName, callId: unknown, ...args: unknown[]) => Promise<IpcResult> } => {
    const pair = fakeIpcPair()
    bridge = registerIpcBridge({ api, ipcMain: pair.ipcMain, isTrustedUrl: isAppPageUrl(APP_URL), eventTargets: () => [pair.webContents] })
    const invoke = async (method: FerryMethodName, callId: unknown, ...args: unknown[]): Promise<IpcResult> =>
      await pair.ipcRenderer.invoke(callChannel(method), callId, ...args) as IpcResult
    return { ...pair, api, invoke }
  }

  it('registers exactly one prefixed channel per FerryApi method, plus the cancel listener', () => {
    const { ipcMain } = setup()
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.keys(ferryApiMethods).map((m) => `ferry:call:${m}`).sort())
    expect([...ipcMain.listeners.keys()]).toEqual([CANCEL_CHANNEL])
  })

  it('answers a call with { ok: true, value } and passes the data arguments through', async () => {
    const { api, invoke } = setup()
    const answer = await invoke('addPeerByAddress', 1, '192.168.1.20:4000')
    expect(answer).toMatchObject({ ok: true, value: { id: expect.any(String) } })
    expect(api.callsTo('addPeerByAddress')).toEqual([['192.168.1.20:4000']])
    expect(await invoke('cancelTransfer', 2, 'no-such')).toMatchObject({ ok: false })
  })

  it('refuses a call from a frame that is not the app page, before the service sees it', async () => {
    const pair = setup()
    pair.frame.url = 'https://evil.example/index.html'
    expect(await pair.invoke('getState', 1)).toMatchObject({ ok: false, error: { code: 'FERRY_ERR_API_UNAUTHORIZED' } })
    pair.frame.url = 'file:///tmp/other/index.html'
    expect(await pair.invoke('pickFiles', 2)).toMatchObject({ ok: false, error: { code: 'FERRY_ERR_API_UNAUTHORIZED' } })
    pair.frame.url = APP_URL
    pair.frame.parent = {}
    expect(await pair.invoke('getState', 3)).toMatchObject({ ok: false, error: { code: 'FERRY_ERR_API_UNAUTHORIZED' } })
    expect(pair.api.calls).toEqual([])
  })

  it('accepts the app page with a query or hash', () => {
    const trusted = isAppPageUrl(APP_URL)
    expect(trusted(`${APP_URL}#/transfers`)).toBe(true)
    expect(trusted(`${APP_URL}?x=1`)).toBe(true)
    expect(trusted('not a url')).toBe(false)
    expect(isAppPageUrl('http://localhost:5173/')('http://localhost:5174/')).toBe(false)
  })

  it.each([
    ['getState', [1]],
    ['sendFiles', [PEER]],
    ['sendFiles', [PEER, ['/a'], 'extra']],
    ['sendFiles', [PEER, '/a']],
    ['sendFiles', [PEER, []]],
    ['sendText', [PEER, 'x'.repeat(64 * 1024 + 1)]],
    ['respondToOffer', [42, { accept: true }]],
    ['respondToOffer', ['offer-1', { accept: 'yes' }]],
    ['setTrust', [PEER, 'best friend']],
    ['setTrust', [PEER, 'trusted', 'yes']],
    ['createShare', [{ paths: ['/tmp'], pin: false, expiresInMs: -1, allowUpload: false }]],
    ['updateSettings', [{ port: 70_000 }]],
    ['updateSettings', [{ evil: true }]],
    ['openFile', ['']],
    ['showInFolder', [null]],
    // Issue 16: the bridge checks with the service's own rules, not looser ones of its own.
    ['sendFiles', [PEER, ['relative/path']]],
    ['sendFiles', ['not a device id', ['/a']]],
    ['sendText', [PEER, '   ']],
    ['respondToOffer', ['offer id with spaces', { accept: false }]],
    ['updateSettings', [{ alias: 'x'.repeat(65) }]],
    ['createShare', [{ paths: ['/tmp'], pin: false, expiresInMs: 31 * 24 * 3_600_000, allowUpload: false }]]
  ] as Array<[FerryMethodName, unknown[]]>)('refuses %s(%j) with FERRY_ERR_API_INVALID_ARGUMENT', async (method, args) => {
    const { api, invoke } = setup()
    const answer = await invoke(method, 1, ...args)
    expect(answer).toMatchObject({ ok: false, error: { name: 'InvalidArgumentError', code: 'FERRY_ERR_API_INVALID_ARGUMENT', message: expect.any(String) } })
    expect(api.calls).toEqual([])
  })

  it('refuses a call id that is not a positive integer', async () => {
    const { invoke } = setup()
    for (const id of [0, -1, 1.5, '1', null]) {
      expect(await invoke('getState', id)).toMatchObject({ ok: false, error: { code: 'FERRY_ERR_API_INVALID_ARGUMENT' } })
    }
  })

  it('leaves out an omitted trailing optional argument (setTrust without autoAccept)', async () => {
    const { api, invoke } = setup(new FakeFerryApi({ peers: [] }))
    await invoke('setTrust', 1, PEER, 'trusted')
    expect(api.callsTo('setTrust')[0]?.slice(0, 2)).toEqual([PEER, 'trusted'])
  })

  it('keeps the service\'s error name, code and message', async () => {
    const { api, invoke } = setup()
    api.failNext('addPeerByAddress', { name: 'UnreachableError', code: 'FERRY_ERR_UNREACHABLE', message: 'No answer from 10.0.0.9:4000' })
    expect(await invoke('addPeerByAddress', 1, '10.0.0.9:4000')).toEqual({
      ok: false, error: { name: 'UnreachableError', code: 'FERRY_ERR_UNREACHABLE', message: 'No answer from 10.0.0.9:4000' }
    })
    expect(await invoke('respondToOffer', 2, 'gone', { accept: false })).toMatchObject({ ok: false, error: { code: 'FERRY_ERR_API_NOT_FOUND' } })
  })

  it('a cancel message aborts that call\'s signal (and only that one)', async () => {
    const api = new FakeFerryApi()
    const signals: AbortSignal[] = []
    api.addPeerByAddress = async (_text: string, options?: CallOptions) => await new Promise((_resolve, reject) => {
      const signal = options?.signal
      if (signal === undefined) throw new Error('no signal passed')
      signals.push(signal)
      signal.addEventListener('abort', () => { reject(Object.assign(new Error('cancelled'), { code: 'FERRY_ERR_CANCELLED' })) })
    })
    const { ipcRenderer, invoke } = setup(api)
    const first = invoke('addPeerByAddress', 7, '10.0.0.9:4000')
    void invoke('addPeerByAddress', 8, '10.0.0.9:4001')
    await Promise.resolve()
    expect(bridge?.callsInFlight).toBe(2)
    ipcRenderer.send(CANCEL_CHANNEL, 7)
    expect(await first).toMatchObject({ ok: false, error: { code: 'FERRY_ERR_CANCELLED' } })
    expect(signals.map((s) => s.aborted)).toEqual([true, false])
    bridge?.dispose()
    expect(signals[1]?.aborted).toBe(true)
    bridge = undefined
  })

  it(`refuses more than ${MAX_CALLS_IN_FLIGHT} calls in flight from one window`, async () => {
    const api = new FakeFerryApi()
    api.getState = async () => await new Promise(() => {})
    const { invoke } = setup(api)
    for (let id = 1; id <= MAX_CALLS_IN_FLIGHT; id++) void invoke('getState', id)
    await Promise.resolve()
    expect(await invoke('getState', MAX_CALLS_IN_FLIGHT + 1)).toMatchObject({ ok: false, error: { code: 'FERRY_ERR_API_INVALID_ARGUMENT' } })
  })

  it('forwards every FerryApi event to the window on ferry:event:<name>', () => {
    const { api, ipcRenderer } = setup()
    const seen: Array<[string, unknown]> = []
    for (const name of ferryApiEvents) ipcRenderer.on(eventChannel(name), (_e, payload) => { seen.push([name, payload]) })
    const offer = api.emitOffer()
    expect(seen).toContainEqual(['offer', { type: 'added', offer }])
  })

  it('stops forwarding and handling after dispose', () => {
    const { api, ipcMain, ipcRenderer } = setup()
    const seen: unknown[] = []
    ipcRenderer.on(eventChannel('offer'), (_e, payload) => { seen.push(payload) })
    bridge?.dispose()
    bridge = undefined
    api.emitOffer()
    expect(seen).toEqual([])
    expect(ipcMain.handlers.size).toBe(0)
    expect(ipcMain.listeners.get(CANCEL_CHANNEL)?.size).toBe(0)
  })
})
