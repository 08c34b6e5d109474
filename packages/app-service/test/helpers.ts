// Test helpers: services on 127.0.0.1 in temp config dirs, and a WebSocket bridge in front of one.

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createWsFerryApi, type FerryApi, type SocketLike, type WsFerryApi } from '@ferry/api'
import {
  attachWsBridge, createApiToken, createFerryService, loadWs, type FerryService, type FerryServiceInit, type WsBridge, type WsBridgeLimits
} from '../src/index.ts'
import type { ComplianceHarness } from '@ferry/api/compliance'

export interface TestService {
  service: FerryService
  dir: string
  downloads: string
  close: () => Promise<void>
}

export async function startService (init: Partial<FerryServiceInit> = {}, dir?: string): Promise<TestService> {
  const root = dir ?? await mkdtemp(join(tmpdir(), 'ferry-svc-'))
  const downloads = join(root, 'downloads')
  const service = await createFerryService({ configDir: join(root, 'config'), downloadDir: downloads, listen: { host: '127.0.0.1', port: 0 }, shareHost: '127.0.0.1', mdns: false, ...init })
  return {
    service, dir: root, downloads,
    close: async () => {
      await service.close()
      if (dir === undefined) await rm(root, { recursive: true, force: true })
    }
  }
}

/** A second service that adds `target` by address and offers it a small file; resolves once the offer is queued. */
export async function offerFrom (sender: FerryService, target: FerryService, dir: string): Promise<void> {
  const device = (await target.getState()).device
  const address = device.addresses[0]
  if (address === undefined) throw new Error('the target has no address')
  const peer = await sender.addPeerByAddress(`${address.host}:${address.port}/${device.peerId}`)
  const file = join(dir, 'offered.txt')
  await writeFile(file, 'offered bytes')
  await sender.sendFiles(peer.id, [file])
}

export interface Bridged {
  client: WsFerryApi
  server: Server
  bridge: WsBridge
  url: string
  /** The Cookie header that signs a socket in (the tests' stand-in for `ferry ui`'s session cookie). */
  cookie: string
  close: () => Promise<void>
}

/** The cookie the test bridge signs sockets in with. */
export const TEST_COOKIE = 'ferry_test'

/** A bridge in front of `api` whose sockets sign in with the Cookie header `cookie` gives. */
export async function bridge (api: FerryApi, limits?: Partial<WsBridgeLimits>): Promise<Bridged> {
  const server = createServer((_req, res) => { res.writeHead(404).end() })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const token = createApiToken()
  const cookie = `${TEST_COOKIE}=${token}`
  const wsBridge = attachWsBridge({ server, api, authorize: (request) => request.headers.cookie === cookie ? 'test-session' : undefined, ...(limits === undefined ? {} : { limits }) })
  const port = (server.address() as AddressInfo).port
  const url = `ws://127.0.0.1:${port}/api`
  const { WebSocket } = loadWs()
  const client = createWsFerryApi({ url, connect: (u) => new WebSocket(u, { origin: `http://127.0.0.1:${port}`, headers: { cookie } }) as SocketLike, reconnectDelayMs: () => 50 })
  return {
    client, server, bridge: wsBridge, url, cookie,
    close: async () => {
      client.close()
      wsBridge.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
    }
  }
}

/** Harness for the compliance suite: a service (optionally behind the bridge) and a sender that can offer to it. */
export async function complianceHarness (viaBridge: boolean): Promise<ComplianceHarness> {
  const host = await startService()
  let sender: TestService | undefined
  const bridged = viaBridge ? await bridge(host.service) : undefined
  return {
    api: bridged?.client ?? host.service,
    offerToMe: async () => {
      sender ??= await startService()
      await offerFrom(sender.service, host.service, sender.dir)
    },
    close: async () => {
      await bridged?.close()
      await sender?.close()
      await host.close()
    }
  }
}
