// Issue 16: `ferry trust` for a device found on the network kept only the first address it was seen at, so the
// probe of remembered devices (which tries every address) had nothing else to try once the device moved there.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { generateIdentity } from '@ferry/p2p-core'
import { TrustStore } from '@ferry/app-service/peers'
import { afterEach, describe, expect, it } from 'vitest'
import { trust } from '../src/commands/trust.ts'
import { createOutput } from '../src/output.ts'

const dirs: string[] = []
afterEach(async () => { await Promise.all(dirs.splice(0).map(async (d) => { await rm(d, { recursive: true, force: true }) })) })

describe('ferry trust remembers a device at every address it was found at (issue 16)', () => {
  it('keeps each address the lookup found, in its order, ahead of those remembered before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-trust-16-'))
    dirs.push(dir)
    const store = await TrustStore.open(dir)
    const { peerId } = await generateIdentity()
    const quiet = new PassThrough()
    const out = createOutput({ json: true, stdout: quiet as unknown as NodeJS.WriteStream, stderr: quiet as unknown as NodeJS.WriteStream })
    const lookup = async (): Promise<{ peerId: string, alias: string, addresses: string[] }> =>
      ({ peerId, alias: 'nas', addresses: ['192.168.7.20:4040', '[fd00::20]:4040'] })

    expect(await trust('nas', { dir }, out, store, lookup)).toBe(0)
    expect(store.get(peerId)).toMatchObject({ alias: 'nas', trusted: true, addresses: ['192.168.7.20:4040', '[fd00::20]:4040'] })
  })
})
