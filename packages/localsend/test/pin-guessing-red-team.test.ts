// Red team: the receive PIN against a sender that guesses from many addresses. docs/guarantees.md promises that the
// PIN "cannot be guessed at speed"; 429 per address alone lets every new address (any of 127.0.0.0/8 here, a LAN's
// spare addresses there) guess anew, and past `maxPinTrackedAddresses` the first address is forgotten and guesses
// again. Wrong PINs from all addresses together are capped within `pinLockoutMs`, as Ferry's own pairing does.

import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { LocalSendServer, generateLocalSendIdentity } from '../src/index.ts'

const info = { alias: 'guesser', version: '2.1', deviceModel: 'x', deviceType: 'mobile', fingerprint: 'GUESSER', port: 1, protocol: 'http', download: false }
const body = JSON.stringify({ info, files: { a: { id: 'a', fileName: 'g.bin', size: 1, fileType: 'application/octet-stream' } } })

async function prepare (port: number, pin: string, localAddress: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, localAddress, agent: false, method: 'POST',
      path: `/api/localsend/v2/prepare-upload?pin=${pin}`, headers: { 'content-type': 'application/json' }
    }, (res) => { res.resume(); res.on('end', () => { resolve(res.statusCode ?? 0) }) })
    req.on('error', reject)
    req.end(body)
  })
}

let server: LocalSendServer | undefined
afterEach(async () => { await server?.close(); server = undefined })

describe('red team: LocalSend receive PIN guessed from many addresses', () => {
  it('answers 429 to every address once maxPinFailuresTotal wrong PINs from all addresses fell within pinLockoutMs', async () => {
    server = new LocalSendServer({
      identity: await generateLocalSendIdentity(), alias: 'ferry', protocol: 'http', host: '127.0.0.1', port: 0, pin: '4711',
      limits: { maxPinAttempts: 3, maxPinFailuresTotal: 6, maxPinTrackedAddresses: 4 },
      onOffer: (offer) => { offer.respond({ accept: false }).catch(() => {}) }
    })
    const { port } = await server.listen()
    const statuses: number[] = []
    // Twelve addresses, two wrong PINs each: never the per-address limit, and more addresses than are tracked.
    for (let a = 0; a < 12; a++) {
      for (let k = 0; k < 2; k++) statuses.push(await prepare(port, String(1000 + a * 2 + k), `127.0.9.${a + 2}`))
    }
    const wrongAnswered = statuses.filter((s) => s === 401).length
    expect(wrongAnswered).toBe(6)
    expect(statuses.slice(6).every((s) => s === 429)).toBe(true)
    // A fresh address is made to wait as well, even with the right PIN: the guesses are not tested against it.
    expect(await prepare(port, '4711', '127.0.9.200')).toBe(429)
  })
})
