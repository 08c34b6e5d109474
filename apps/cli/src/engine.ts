// Builds the one FerryNode a `ferry` command runs on, from the config dir and the command's options.

import { hostname } from 'node:os'
import { FerryNode, loadOrCreateIdentity, type FerryLimits } from '@ferry/p2p-core'
import { configDir } from './config-dir.ts'

export interface EngineOptions {
  host: string
  port: number
  alias?: string
  limits?: Partial<FerryLimits>
}

export async function startEngine (options: EngineOptions): Promise<FerryNode> {
  const identity = await loadOrCreateIdentity(configDir())
  return await FerryNode.create({
    identity,
    alias: options.alias ?? hostname(),
    deviceType: 'desktop',
    listen: { host: options.host, port: options.port },
    limits: options.limits
  })
}
