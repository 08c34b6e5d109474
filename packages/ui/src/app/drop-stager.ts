// The browser's way to send dropped files (`ferry ui`): copies of them go to the UI server's /drops (apps/cli
// ui-server/drops.ts), one file at a time with its exact size, and the server answers with the copies' paths, which
// the page then sends or shares like any other paths. XMLHttpRequest rather than fetch: it reports upload progress.
// The session cookie and the page's Origin go with every request (same origin); nothing else is needed.

import { ApiError, apiErrorCodes, hasErrorCode } from '@ferry/api'
import type { DroppedItem } from './dropped-items.ts'

export interface StageProgress {
  bytesDone: number
  totalBytes: number
}

/** Copies dropped files to the host and resolves with their paths there (the top-level files and folders). */
export type DropStager = (items: readonly DroppedItem[], options?: { onProgress?: (progress: StageProgress) => void, signal?: AbortSignal }) => Promise<string[]>

interface Sent { status: number, body: string }

function send (method: string, url: string, body: Blob | string | null, onProgress?: (loaded: number) => void, signal?: AbortSignal): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(method, url)
    if (typeof body === 'string') xhr.setRequestHeader('Content-Type', 'application/json')
    xhr.upload.onprogress = (event) => { onProgress?.(event.loaded) }
    xhr.onload = () => { resolve({ status: xhr.status, body: xhr.responseText }) }
    xhr.onerror = () => { reject(new ApiError({ name: 'DisconnectedError', code: apiErrorCodes.disconnected, message: 'Ferry stopped answering while the dropped files were copied' })) }
    xhr.onabort = () => { reject(new ApiError({ name: 'CancelledError', code: apiErrorCodes.cancelled, message: 'Copying the dropped files was cancelled' })) }
    signal?.addEventListener('abort', () => { xhr.abort() }, { once: true })
    xhr.send(body)
  })
}

/** The server's error, as an ApiError with its code. */
function failure (answer: Sent): ApiError {
  try {
    const error = (JSON.parse(answer.body) as { error?: unknown }).error
    if (hasErrorCode(error)) return new ApiError({ name: typeof error.name === 'string' ? error.name : 'FerryError', code: error.code, message: error.message })
  } catch {
    // Not JSON: fall through.
  }
  return new ApiError({ name: 'FerryError', code: apiErrorCodes.internal, message: `Copying a dropped file failed (HTTP ${answer.status})` })
}

export function createDropStager (base = ''): DropStager {
  return async (items, options = {}) => {
    const { onProgress, signal } = options
    const totalBytes = items.reduce((sum, item) => sum + item.file.size, 0)
    const started = await send('POST', `${base}/drops`, JSON.stringify({ files: items.map((item) => ({ path: item.path, size: item.file.size })) }), undefined, signal)
    if (started.status !== 201) throw failure(started)
    const { batch, paths } = JSON.parse(started.body) as { batch: string, paths: string[] }
    let done = 0
    try {
      for (const [index, item] of items.entries()) {
        const answer = await send('PUT', `${base}/drops/${encodeURIComponent(batch)}/${index}`, item.file, (loaded) => { onProgress?.({ bytesDone: done + loaded, totalBytes }) }, signal)
        if (answer.status !== 204) throw failure(answer)
        done += item.file.size
        onProgress?.({ bytesDone: done, totalBytes })
      }
    } catch (err) {
      // Nothing half-copied stays behind.
      await send('DELETE', `${base}/drops/${encodeURIComponent(batch)}`, null).catch(() => undefined)
      throw err
    }
    return paths
  }
}
