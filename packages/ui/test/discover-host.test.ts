// @vitest-environment jsdom
// Host discovery picks the API and nothing more: Electron's preload first, then the `ferry ui` bridge when the
// page has a token, else the demo.

import { describe, expect, it } from 'vitest'
import { FakeFerryApi } from '../src/api/fake-ferry-api.ts'
import type { WsFerryApi } from '../src/api/ws-client.ts'
import { discoverHost } from '../src/app/discover-host.ts'

const windowWith = (extra: { ferry?: FakeFerryApi, search?: string }): Window =>
  ({ ferry: extra.ferry, location: { search: extra.search ?? '', protocol: 'http:', host: '127.0.0.1:5000' } }) as unknown as Window

describe('host discovery', () => {
  it('uses the FerryApi Electron’s preload put on window.ferry', async () => {
    const preload = new FakeFerryApi()
    const host = await discoverHost(windowWith({ ferry: preload, search: '?token=ignored' }))
    expect(host.kind).toBe('electron')
    expect(host.api).toBe(preload)
  })

  it('connects the WebSocket bridge when the page was opened with ?token=', async () => {
    const host = await discoverHost(windowWith({ search: '?token=abc' }))
    expect(host.kind).toBe('websocket')
    ;(host.api as WsFerryApi).close()
  })

  it('falls back to the demo, with its banner controls, anywhere else', async () => {
    const host = await discoverHost(windowWith({}))
    expect(host.kind).toBe('demo')
    expect(host.demo?.simulateOffer).toBeTypeOf('function')
    expect((await host.api.getState()).peers.length).toBeGreaterThan(0)
  })
})
