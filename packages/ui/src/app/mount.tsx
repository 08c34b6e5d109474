// Mounts the UI on an element for a given FerryApi: builds the store and the drop resolver, renders the app.
// The composition root of the renderer; main.tsx (browser) and the Electron renderer both call it.

import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import type { DropResolver, FerryApi } from '@ferry/api'
import type { DemoControls } from '../components/Banners.tsx'
import { createFerryStore } from '../store/ferry-store.ts'
import { App } from './App.tsx'
import { createDropResolver } from './drop-resolver.ts'
import type { DropStager } from './drop-stager.ts'
import { PickerHost } from './pickers.tsx'
import { FerryProvider } from './ferry-context.tsx'
import type { Notifier } from './notifier.ts'

export interface MountOptions {
  api: FerryApi
  /** How dropped files become paths; default: api.resolveDroppedFiles (Electron). */
  resolveDrop?: DropResolver
  /** How a browser page hands dropped files to its host (`ferry ui`: copies under /drops). */
  stageDrops?: DropStager
  /** Shows the demo banner with these controls. */
  demo?: DemoControls
  /** Notifies of offers while the page is in the background (`ferry ui` in a browser); the desktop does it natively. */
  notifier?: Notifier
}

/** Renders Ferry into `element`; the returned function unmounts it and lets go of the api. */
export function mountFerryUi (element: HTMLElement, options: MountOptions): () => void {
  const store = createFerryStore(options.api)
  const root = createRoot(element)
  root.render(
    <StrictMode>
      <FerryProvider store={store} resolveDrop={options.resolveDrop ?? createDropResolver(options.api)} stageDrops={options.stageDrops} notifier={options.notifier}>
        <PickerHost>
          <App {...(options.demo === undefined ? {} : { demo: options.demo })} />
        </PickerHost>
      </FerryProvider>
    </StrictMode>
  )
  return () => {
    root.unmount()
    store.dispose()
  }
}
