// Which host is this UI running in? Electron's preload puts a FerryApi on `window.ferry`; `ferry ui` opens the
// page with `?token=` for its WebSocket bridge; anything else (vite dev, a static file) gets the demo, loaded
// only then so the demo's fake engine stays out of the other hosts' way.

import type { FerryApi } from '../api/ferry-api.ts'
import { apiSocketUrl, createWsFerryApi } from '../api/ws-client.ts'
import type { MountOptions } from './mount.tsx'

declare global {
  interface Window {
    /** Set by Electron's preload (contextBridge.exposeInMainWorld('ferry', ...)). */
    ferry?: FerryApi
  }
}

export type HostKind = 'electron' | 'websocket' | 'demo'

export async function discoverHost (win: Window): Promise<MountOptions & { kind: HostKind }> {
  if (win.ferry !== undefined) return { kind: 'electron', api: win.ferry }
  const token = new URLSearchParams(win.location.search).get('token')
  if (token !== null && token !== '') {
    return { kind: 'websocket', api: createWsFerryApi({ url: apiSocketUrl(win.location, token) }) }
  }
  const { createDemoFerryApi } = await import('../api/fake-demo.ts')
  const demo = createDemoFerryApi()
  return { kind: 'demo', api: demo.api, demo: { simulateOffer: demo.simulateOffer } }
}
