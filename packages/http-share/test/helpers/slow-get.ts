// A download that stops reading part way: for tests that change a shared file while the server is sending it.

import { request as httpRequest } from 'node:http'

export interface SlowResult {
  status: number
  body: Buffer
  /** Whether the body ended normally, rather than being cut by the server. */
  complete: boolean
}

/**
 * GETs `path` from 127.0.0.1:`port`, reads the first `pauseAfterBytes` of the body (default 1 MiB, so the server is
 * surely inside the first file of a zip), stops reading while `meanwhile` runs (the server fills the socket buffers
 * and waits), then reads the rest.
 */
export async function slowGet (port: number, path: string, meanwhile: () => Promise<void>, pauseAfterBytes = 1024 * 1024): Promise<SlowResult> {
  return await new Promise<SlowResult>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const chunks: Buffer[] = []
      let received = 0
      let paused = false
      let settled = false
      const settle = (complete: boolean): void => {
        if (settled) return
        settled = true
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), complete })
      }
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        received += chunk.byteLength
        if (paused || received < pauseAfterBytes) return
        paused = true
        res.pause()
        meanwhile().then(() => { res.resume() }, reject)
      })
      res.on('end', () => { settle(true) })
      res.on('aborted', () => { settle(false) })
      res.on('error', () => { settle(false) })
      res.on('close', () => { settle(res.complete) })
    })
    req.on('error', reject)
    req.end()
  })
}
