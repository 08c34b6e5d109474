// Test fixtures: real FerryNodes on loopback with fresh identities and temp folders, removed after each test.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { FerryNode, identityFromKey, type FerryLimits, type Identity, type Transport } from '../../src/index.ts'
import type { QuinnOptions } from '../../src/transport/quic-napi.ts'

export interface Fixture {
  dir: string
  node: (options?: { limits?: Partial<FerryLimits>, wrap?: (t: Transport) => Transport, alias?: string, quinn?: Partial<QuinnOptions> }) => Promise<FerryNode>
  /** The identity a node of this fixture was made with (a test may need its secrets, as an attacker never has). */
  identityOf: (node: FerryNode) => Identity
  cleanup: () => Promise<void>
}

export async function createFixture (): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-test-'))
  const nodes: FerryNode[] = []
  const identities = new Map<FerryNode, Identity>()
  return {
    dir,
    async node (options = {}) {
      const identity = identityFromKey(await generateKeyPair('Ed25519'))
      const { createQuicTransport } = await import('../../src/index.ts')
      const quic = await createQuicTransport({ identity, ...(options.quinn === undefined ? {} : { quinn: options.quinn }) })
      const node = await FerryNode.create({
        identity,
        alias: options.alias,
        listen: { host: '127.0.0.1', port: 0 },
        limits: options.limits,
        transport: options.wrap === undefined ? quic : options.wrap(quic)
      })
      nodes.push(node)
      identities.set(node, identity)
      return node
    },
    identityOf (node) {
      const identity = identities.get(node)
      if (identity === undefined) throw new Error('not a node of this fixture')
      return identity
    },
    async cleanup () {
      await Promise.all(nodes.map(async (n) => await n.close()))
      await rm(dir, { recursive: true, force: true })
    }
  }
}
