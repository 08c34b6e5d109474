// How files dropped from the OS become paths on the host. Electron can know them (its preload implements
// api.resolveDroppedFiles with webUtils.getPathForFile, or the renderer passes its own resolver to mountFerryUi);
// a browser never learns where a dropped File lives, so there the drop opens the host's file picker instead.

import type { DropResolver, FerryApi } from '@ferry/api'

export function createDropResolver (api: Pick<FerryApi, 'resolveDroppedFiles' | 'pickFiles'>): DropResolver {
  const resolve = api.resolveDroppedFiles
  if (resolve !== undefined) {
    // getPathForFile gives '' for a File that is not on disk (e.g. dragged out of a web page).
    return async (files) => (await resolve(files)).filter((path) => path !== '')
  }
  return async () => await api.pickFiles()
}
