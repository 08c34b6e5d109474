// Where the built app finds the files the engine loads at run time rather than imports: the BLAKE3 worker and the
// share link's recipient page, which electron.vite.config.ts writes beside main's bundle. In a packaged app they
// sit inside app.asar but are unpacked (electron-builder.yml), because a worker thread cannot start from the asar.

import { join, sep } from 'node:path'
import { pathToFileURL } from 'node:url'

/** The path electron-builder unpacked a file to (`app.asar` becomes `app.asar.unpacked`); unchanged outside an asar. */
export function unpacked (path: string): string {
  return path.replace(`${sep}app.asar${sep}`, `${sep}app.asar.unpacked${sep}`)
}

/** FerryServiceInit.bundled for a main bundle in `mainDir`. */
export function bundledFiles (mainDir: string): { hashWorkerUrl: URL, sharePageDir: URL } {
  return {
    hashWorkerUrl: pathToFileURL(unpacked(join(mainDir, 'hash-worker.js'))),
    sharePageDir: pathToFileURL(unpacked(join(mainDir, 'share-page')) + sep)
  }
}
