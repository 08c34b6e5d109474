// Issue 18: stopping Ferry's LocalSend server (`ferry receive --once` at its transfer's end, Ctrl-C, `ferry ui` or
// the desktop app closing) never cuts an answer the server has already decided: a sender gets its 200 or 403, not a
// closed connection ("socket hang up"). A client that never finishes its request cannot hold the stop for longer
// than `closeWaitMs`.

import { describe, expect, it, onTestFinished } from 'vitest'
import { startFerry, type FerrySide } from './helpers/ferry-side.ts'
import { call, prepareUpload } from './peer/peer-client.ts'

async function ferry (protocol: 'http' | 'https', options: Parameters<typeof startFerry>[1] = {}): Promise<FerrySide> {
  const side = await startFerry(protocol, options)
  onTestFinished(side.close)
  return side
}

describe.each(['http', 'https'] as const)('Ferry\'s LocalSend server stopping over %s (issue 18)', (protocol) => {
  it('answers a sender still waiting for its offer\'s decision with 403 before its connection goes', async () => {
    const side = await ferry(protocol)
    const prepared = prepareUpload(side.target, [{ fileName: 'a.txt', data: Buffer.from('a') }])
      .then((r) => ({ status: r.status, message: (r.json().message as string) }), (err: unknown) => ({ status: (err as NodeJS.ErrnoException).code, message: (err as Error).message }))
    const offer = await side.nextOffer()
    await side.server.close()
    expect(await prepared).toEqual({ status: 403, message: 'This device stopped receiving' })
    expect(offer.withdrawn.aborted).toBe(true)
  })

  it('cuts a request that never ends after closeWaitMs, so a stalled client cannot hold the stop', async () => {
    const side = await ferry(protocol, { limits: { closeWaitMs: 200 } })
    const stalled = call(side.target, 'POST', '/api/localsend/v2/register', {
      contentLength: 1000,
      body: (req) => { req.write('{"alias":') }
    }).then((r) => r.status, (err: unknown) => (err as NodeJS.ErrnoException).code)
    // The request is under way (its headers reached the server) before the stop begins.
    await expect.poll(() => side.server.requestsInFlight).toBe(1)
    await side.server.close()
    expect(['ECONNRESET', 'EPIPE']).toContain(await stalled)
  })
})
