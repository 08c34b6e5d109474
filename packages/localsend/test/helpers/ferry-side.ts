// Ferry's side of the conformance tests: its LocalSend server (offers collected as they come) and client, on
// loopback and port 0, with one identity per test file.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import {
  LocalSendClient, LocalSendServer, generateLocalSendIdentity, type LocalSendIdentity, type LocalSendLimits,
  type LocalSendOffer, type LocalSendServerInit
} from '../../src/index.ts'

let identity: Promise<LocalSendIdentity> | undefined
export async function ferryIdentity (): Promise<LocalSendIdentity> {
  identity ??= generateLocalSendIdentity()
  return await identity
}

export interface FerrySide {
  server: LocalSendServer
  client: LocalSendClient
  offers: LocalSendOffer[]
  nextOffer: () => Promise<LocalSendOffer>
  target: { host: string, port: number, protocol: 'http' | 'https' }
  close: () => Promise<void>
}

export async function startFerry (protocol: 'http' | 'https', options: { pin?: string, limits?: Partial<LocalSendLimits>, onOffer?: (offer: LocalSendOffer) => void } & Partial<Pick<LocalSendServerInit, 'requireClientCertificate'>> = {}): Promise<FerrySide> {
  const id = await ferryIdentity()
  const offers: LocalSendOffer[] = []
  const waiting: Array<(offer: LocalSendOffer) => void> = []
  const server: LocalSendServer = new LocalSendServer({
    identity: id,
    alias: 'Ferry Test',
    deviceModel: 'Ferry',
    protocol,
    host: '127.0.0.1',
    port: 0,
    ...(options.pin === undefined ? {} : { pin: options.pin }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.requireClientCertificate === undefined ? {} : { requireClientCertificate: options.requireClientCertificate }),
    onOffer: (offer) => {
      options.onOffer?.(offer)
      const next = waiting.shift()
      if (next !== undefined) next(offer)
      else offers.push(offer)
    },
    onCancelReceived: (event) => { client.cancelReceived(event) }
  })
  const client = new LocalSendClient({ identity: id, info: () => server.info })
  const { port } = await server.listen()
  return {
    server,
    client,
    offers,
    nextOffer: async () => {
      const ready = offers.shift()
      if (ready !== undefined) return ready
      return await new Promise((resolve) => { waiting.push(resolve) })
    },
    target: { host: '127.0.0.1', port, protocol },
    close: async () => { await server.close() }
  }
}

export function tempDir (): { dir: string, remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-localsend-'))
  return { dir, remove: () => { rmSync(dir, { recursive: true, force: true }) } }
}

/** Every entry under `dir`, files and folders, as relative POSIX paths, sorted. */
export function listTree (dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map((p) => relative(dir, join(dir, p)).split('\\').join('/')).sort()
}
