// How files dropped from the OS become paths on the host:
// - Electron knows them: its preload implements api.resolveDroppedFiles with webUtils.getPathForFile (or the
//   renderer passes its own resolver to mountFerryUi).
// - A browser on `ferry ui` never learns where a dropped File lives: the page walks the drop (folders too) and copies
//   it to the host (drop-stager.ts), which answers with the copies' paths.
// - A host with neither: the drop opens the file picker instead (the caller's fallback).

import type { DropResolver, FerryApi } from '@ferry/api'
import type { DropStager, StageProgress } from './drop-stager.ts'
import { readDropped } from './dropped-items.ts'

/** The host's own resolver, dropping files that are not on disk ('' from getPathForFile); undefined without one. */
export function createDropResolver (api: Pick<FerryApi, 'resolveDroppedFiles'>): DropResolver | undefined {
  const resolve = api.resolveDroppedFiles
  if (resolve === undefined) return undefined
  // getPathForFile gives '' for a File that is not on disk (e.g. dragged out of a web page).
  return async (files) => (await resolve(files)).filter((path) => path !== '')
}

export interface DropWays {
  resolveDrop?: DropResolver | undefined
  stageDrops?: DropStager | undefined
}

/**
 * The host paths of what was dropped, or null when this host can do neither (then the caller offers its picker).
 * `onProgress` reports a browser's copying.
 */
export async function droppedPaths (data: Pick<DataTransfer, 'items' | 'files'>, ways: DropWays, onProgress?: (progress: StageProgress) => void): Promise<string[] | null> {
  if (ways.resolveDrop !== undefined) {
    const paths = await ways.resolveDrop([...data.files])
    if (paths.length > 0 || ways.stageDrops === undefined) return paths
  }
  if (ways.stageDrops === undefined) return null
  const items = await readDropped(data)
  if (items.length === 0) return []
  return await ways.stageDrops(items, onProgress === undefined ? {} : { onProgress })
}
