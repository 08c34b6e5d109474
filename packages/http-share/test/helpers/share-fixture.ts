// A share server on 127.0.0.1, port 0, over a fresh temporary folder; `close()` ends the server and removes the
// folder, and is meant for afterEach.

import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInlineHasher } from '@ferry/p2p-core'
import { createShareServer, type ShareLimits, type ShareServer, type ShareServerInit } from '../../src/index.ts'

export interface Fixture {
  server: ShareServer
  dir: string
  /** `http://127.0.0.1:PORT` */
  origin: string
  /** Writes a file under the fixture's folder and returns its absolute path. */
  file: (relPath: string, content: string | Uint8Array) => Promise<string>
  close: () => Promise<void>
}

export async function startFixture (options: { limits?: Partial<ShareLimits> } & Omit<ShareServerInit, 'limits'> = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-share-'))
  const server = await createShareServer({ host: '127.0.0.1', port: 0, ...options })
  return {
    server,
    dir,
    origin: `http://127.0.0.1:${server.port}`,
    file: async (relPath, content) => {
      const path = join(dir, relPath)
      await mkdir(dirname(path), { recursive: true })
      await writeFile(path, content)
      return path
    },
    close: async () => {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** The path part of a share's first link: `/s/TOKEN/`. */
export function sharePath (url: string): string {
  return new URL(url).pathname
}

/** BLAKE3 (hex) of some bytes, with p2p-core's hasher. */
export async function blake3Of (data: Uint8Array): Promise<string> {
  const hasher = createInlineHasher()
  await hasher.update(data)
  return await hasher.digest()
}
