// What the preload puts on the page's window, for the renderer's type checking (tsconfig.web.json includes this
// file and nothing else from the preload). It matches the declaration in @ferry/ui's discover-host.ts. Across the
// contextBridge, wrap it with renderer/from-preload.ts so signals and error codes survive.

import type { FerryApi } from '@ferry/api'

declare global {
  interface Window {
    ferry?: FerryApi
  }
}

export {}
