// Builds the one FerryNode a `ferry` command runs on, from the config dir and the command's options.

import { hostname } from 'node:os'
import { FerryNode, loadOrCreateIdentity, type FerryLimits } from '@ferry/p2p-core'
import { configDir } from './config-dir.ts'
import { runtimeFiles } from './runtime-files.ts'

export interface EngineOptions {
  host: string
  port: number
  alias?: string
  limits?: Partial<FerryLimits>
}

export async function startEngine (options: EngineOptions): Promise<FerryNode> {
  const identity = await loadOrCreateIdentity(configDir())
  const { hashWorkerUrl } = runtimeFiles()
  return await FerryNode.create({
    ...(hashWorkerUrl === undefined ? {} : { hashWorkerUrl }),
    identity,
    alias: options.alias ?? hostname(),
    deviceType: 'desktop',
    listen: { host: options.host, port: options.port },
    limits: options.limits
  })
}
