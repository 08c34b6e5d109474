// Which host is this UI running in? Electron's preload puts a FerryApi on `window.ferry`; a page served by
// `ferry ui` learns so from its `/session` answer and talks to the WebSocket bridge (the browser's session cookie
// signs it in; a page that is not signed in is refused and says how to sign in), with the browser's notifications
// for offers that arrive while its tab is in the background and the copies of dropped files (drop-stager.ts); anything else (vite dev, a static
// file) gets the demo, loaded only then so the demo's fake engine stays out of the other hosts' way.

import { apiSocketUrl, createWsFerryApi, type FerryApi } from '@ferry/api'
import type { MountOptions } from './mount.tsx'
import { createDropStager } from './drop-stager.ts'
import { browserNotifier } from './notifier.ts'

declare global {
  interface Window {
    /** Set by Electron's preload (contextBridge.exposeInMainWorld('ferry', ...)). */
    ferry?: FerryApi
  }
}

export type HostKind = 'electron' | 'websocket' | 'demo'

/** What `ferry ui` answers at /session (apps/cli ui-server.ts), or undefined when this page is not served by it. */
async function ferryUiSession (win: Window): Promise<{ signedIn: boolean } | undefined> {
  try {
    const response = await win.fetch('/session', { cache: 'no-store', credentials: 'same-origin' })
    if (!response.ok) return undefined
    const body = await response.json() as { host?: unknown, signedIn?: unknown } | null
    return body?.host === 'ferry-ui' ? { signedIn: body.signedIn === true } : undefined
  } catch {
    return undefined
  }
}

export async function discoverHost (win: Window): Promise<MountOptions & { kind: HostKind }> {
  if (win.ferry !== undefined) return { kind: 'electron', api: win.ferry }
  if (await ferryUiSession(win) !== undefined) {
    // The server spends a launch link's code and redirects to `/`; a code still in the address bar is dropped too.
    if (new URLSearchParams(win.location.search).has('launch')) win.history.replaceState(null, '', win.location.pathname)
    const notifier = browserNotifier(win)
    return {
      kind: 'websocket', api: createWsFerryApi({ url: apiSocketUrl(win.location) }), stageDrops: createDropStager(),
      ...(notifier === undefined ? {} : { notifier })
    }
  }
  const { createDemoFerryApi } = await import('../demo/demo-api.ts')
  const demo = createDemoFerryApi()
  return { kind: 'demo', api: demo.api, demo: { simulateOffer: demo.simulateOffer } }
}
