// The shared FerryApi compliance suite, run against the whole desktop chain in one process: the real service
// behind the main-side bridge, a fake IPC pair, the preload's FerryApi, the contextBridge crossing (played by
// acrossContextBridge) and the renderer's fromPreload wrapper. Also the same chain in front of the UI's fake.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFerryService } from '@ferry/app-service'
import { ApiError, type FerryApi } from '@ferry/api'
import { FakeFerryApi } from '@ferry/api/testing'
import { describe, expect, it } from 'vitest'
import { describeFerryApiCompliance } from '@ferry/api/compliance'
import { isAppPageUrl, registerIpcBridge } from '../src/main/ipc-bridge.ts'
import { createIpcFerryApi } from '../src/preload/ipc-ferry-api.ts'
import { toMainWorld } from '../src/preload/to-main-world.ts'
import { fromPreload } from '../src/renderer/from-preload.ts'
import { acrossContextBridge, APP_URL, fakeIpcPair } from './helpers/fake-ipc.ts'

function rendererApiFor (service: FerryApi): { api: FerryApi, dispose: () => void } {
  const pair = fakeIpcPair()
  const bridge = registerIpcBridge({ api: service, ipcMain: pair.ipcMain, isTrustedUrl: isAppPageUrl(APP_URL), eventTargets: () => [pair.webContents] })
  const preloadApi = createIpcFerryApi({ ipcRenderer: pair.ipcRenderer, getPathForFile: () => '' })
  const windowFerry = acrossContextBridge(toMainWorld(preloadApi)) as unknown as FerryApi
  return { api: fromPreload(windowFerry), dispose: () => { bridge.dispose() } }
}

describeFerryApiCompliance('Electron IPC bridge (service -> ipcMain -> preload -> contextBridge -> renderer)', async () => {
  const root = await mkdtemp(join(tmpdir(), 'ferry-desktop-'))
  const service = await createFerryService({
    configDir: join(root, 'config'), downloadDir: join(root, 'downloads'), listen: { host: '127.0.0.1', port: 0 }, shareHost: '127.0.0.1', mdns: false
  })
  const { api, dispose } = rendererApiFor(service)
  return {
    api,
    close: async () => {
      dispose()
      await service.close()
      await rm(root, { recursive: true, force: true })
    }
  }
})

describe('the desktop chain in front of the UI fake', () => {
  it('a rejection reaches the renderer as an ApiError with the host\'s code, although the bridge strips Error properties', async () => {
    const fake = new FakeFerryApi()
    const { api } = rendererApiFor(fake)
    fake.failNext('pickFolder', { name: 'UnsupportedError', code: 'FERRY_ERR_API_UNSUPPORTED', message: 'no dialog' })
    const error = await api.pickFolder().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ name: 'UnsupportedError', code: 'FERRY_ERR_API_UNSUPPORTED', message: 'no dialog' })
  })

  it('aborting a call in the renderer aborts the service\'s signal in main', async () => {
    const fake = new FakeFerryApi()
    let serviceSignal: AbortSignal | undefined
    fake.addPeerByAddress = async (_text, options) => await new Promise((_resolve, reject) => {
      serviceSignal = options?.signal
      serviceSignal?.addEventListener('abort', () => { reject(new ApiError({ name: 'CancelledError', code: 'FERRY_ERR_CANCELLED', message: 'cancelled' })) })
    })
    const { api } = rendererApiFor(fake)
    const controller = new AbortController()
    const call = api.addPeerByAddress('10.0.0.9:4000', { signal: controller.signal }).catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 10))
    controller.abort()
    expect(await call).toMatchObject({ code: 'FERRY_ERR_CANCELLED' })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(serviceSignal?.aborted).toBe(true)
  })

  it('events reach a renderer listener, and stop after unsubscribing', () => {
    const fake = new FakeFerryApi()
    const { api } = rendererApiFor(fake)
    const seen: unknown[] = []
    const stop = api.onOffer((event) => { seen.push(event.type) })
    fake.emitOffer()
    stop()
    fake.emitOffer()
    expect(seen).toEqual(['added'])
  })
})
