// Where `ferry` finds the files it loads at run time rather than imports: the BLAKE3 worker, the share link's
// recipient page and the built UI. Run from the workspace's sources, each package finds its own (undefined here);
// the production build (scripts/build.ts) defines FERRY_BUNDLED and writes all three beside the bundle's chunks.

import { fileURLToPath } from 'node:url'

/** `true` in the production bundle (esbuild's `define`); not declared at all when the sources run. */
declare const FERRY_BUNDLED: boolean | undefined

export interface RuntimeFiles {
  /** FerryNodeInit.hashWorkerUrl / HashPoolOptions.workerUrl. */
  hashWorkerUrl?: URL
  /** ShareServerInit.pageDir. */
  sharePageDir?: URL
  /** The built UI that `ferry ui` serves (UiServerInit.distDir). */
  uiDir?: string
}

export function isBundled (): boolean {
  return typeof FERRY_BUNDLED !== 'undefined' && FERRY_BUNDLED
}

export function runtimeFiles (): RuntimeFiles {
  if (!isBundled()) return {}
  // Every chunk of the bundle sits in one folder, so this module's URL names that folder whichever chunk holds it.
  const here = new URL('./', import.meta.url)
  return {
    hashWorkerUrl: new URL('hash-worker.js', here),
    sharePageDir: new URL('share-page/', here),
    uiDir: fileURLToPath(new URL('ui/', here))
  }
}
