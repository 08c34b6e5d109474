// @vitest-environment jsdom
// Host discovery picks the API and nothing more: Electron's preload first, then the `ferry ui` bridge when the
// page's server says it is `ferry ui` (its /session answer), else the demo.

import { describe, expect, it } from 'vitest'
import { FakeFerryApi } from '@ferry/api/testing'
import type { WsFerryApi } from '@ferry/api'
import { discoverHost } from '../src/app/discover-host.ts'

interface FakeWindow { ferry?: FakeFerryApi, search?: string, session?: unknown, replaced?: string[] }

/** A window whose fetch('/session') answers `session` as JSON (a string: that text), or fails without it. */
const windowWith = (extra: FakeWindow): Window => ({
  ferry: extra.ferry,
  location: { search: extra.search ?? '', pathname: '/', protocol: 'http:', host: '127.0.0.1:5000' },
  history: { replaceState: (_s: unknown, _t: string, url: string) => { extra.replaced?.push(url) } },
  fetch: async (url: string) => {
    if (url !== '/session' || extra.session === undefined) throw new TypeError('Failed to fetch')
    return new Response(typeof extra.session === 'string' ? extra.session : JSON.stringify(extra.session), { status: 200 })
  }
}) as unknown as Window

describe('host discovery', () => {
  it('uses the FerryApi Electron’s preload put on window.ferry', async () => {
    const preload = new FakeFerryApi()
    const host = await discoverHost(windowWith({ ferry: preload, search: '?token=ignored' }))
    expect(host.kind).toBe('electron')
    expect(host.api).toBe(preload)
  })

  it('connects the WebSocket bridge when `ferry ui` serves the page, signed in or not (a refused page says how to sign in)', async () => {
    for (const signedIn of [true, false]) {
      const host = await discoverHost(windowWith({ session: { host: 'ferry-ui', signedIn } }))
      expect(host.kind).toBe('websocket')
      ;(host.api as WsFerryApi).close()
    }
  })

  it('drops a launch code left in the address bar (issue 15)', async () => {
    const replaced: string[] = []
    const host = await discoverHost(windowWith({ search: '?launch=abc', session: { host: 'ferry-ui', signedIn: true }, replaced }))
    expect(replaced).toEqual(['/'])
    ;(host.api as WsFerryApi).close()
  })

  it('falls back to the demo, with its banner controls, anywhere else (no /session, or a page that is not JSON)', async () => {
    expect((await discoverHost(windowWith({ search: '?token=old' }))).kind).toBe('demo')
    expect((await discoverHost(windowWith({ session: '<!doctype html>' }))).kind).toBe('demo')
    const host = await discoverHost(windowWith({}))
    expect(host.kind).toBe('demo')
    expect(host.demo?.simulateOffer).toBeTypeOf('function')
    expect((await host.api.getState()).peers.length).toBeGreaterThan(0)
  })
})
