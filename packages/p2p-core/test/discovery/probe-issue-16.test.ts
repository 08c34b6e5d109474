// Issue 16: the probe of a remembered device goes through reachAny like a send, over every address it was seen at;
// the address that answered is tried first from then on, so a dead first address does not cost a timeout each round.

import { describe, expect, it } from 'vitest'
import { UnreachableError } from '../../src/errors.ts'
import { silentLogger } from '../../src/logger.ts'
import { PeerProber } from '../../src/discovery/probe.ts'
import type { PingRequest } from '../../src/engine/ping.ts'
import type { PeerAddress } from '../../src/transport/types.ts'

const dead = { host: '127.0.0.1', port: 4001 }
const live = { host: '127.0.0.1', port: 4002 }

describe('probing a remembered device at several addresses (issue 16)', () => {
  it('tries the next address when one does not answer, and starts at the one that answered next time', async () => {
    const pinged: PeerAddress[] = []
    const answers: PeerAddress[] = []
    const prober = new PeerProber({
      ping: async (request: PingRequest) => {
        pinged.push(request.address)
        if (request.address.port === dead.port) throw new UnreachableError('nobody there')
        return { peerId: 'device', shortCode: 'ABCD', address: request.address, rttMs: 1 }
      },
      intervalMs: 10, timeoutMs: 500, backoffMaxMs: 50, maxTargets: 4, logger: silentLogger,
      onAlive: (_target, _result, address) => { answers.push(address) }
    })
    try {
      prober.add({ addresses: [dead, live], peerId: 'device', source: 'known' })
      await expect.poll(() => answers.length).toBeGreaterThanOrEqual(3)
    } finally {
      prober.close()
    }
    expect(answers.slice(0, 3)).toEqual([live, live, live])
    // The first round tried the dead address and then the live one; the later rounds only the live one.
    expect(pinged.slice(0, 4)).toEqual([dead, live, live, live])
  })
})
