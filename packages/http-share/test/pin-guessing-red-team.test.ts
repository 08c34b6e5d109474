// Red team: a share's PIN guessed from many addresses. docs/http-share.md rate limits wrong PINs per IP address (5
// per 10 minutes), but addresses cost little on a LAN (and 127.0.0.0/8 is all loopback here): every new address
// guessed anew, 5 tries each. Wrong PINs for one share from all addresses together are capped within the window.

import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import type { ShareInfo } from '../src/index.ts'
import { sharePath, startFixture, type Fixture } from './helpers/share-fixture.ts'

interface Answer { status: number, code?: string, retryAfter?: string }

/** POSTs `pin` to a share's PIN form from the loopback address `localAddress`. */
async function tryPin (port: number, share: ShareInfo, pin: string, localAddress: string): Promise<Answer> {
  return await new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, localAddress, agent: false, method: 'POST',
      path: `${sharePath(share.urls[0] as string)}pin`, headers: { 'content-type': 'application/json' }
    }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => {
        const code = res.statusCode === 200 ? undefined : (JSON.parse(body) as { error: { code: string } }).error.code
        resolve({ status: res.statusCode ?? 0, ...(code === undefined ? {} : { code }), ...(res.headers['retry-after'] === undefined ? {} : { retryAfter: res.headers['retry-after'] }) })
      })
    })
    req.on('error', reject)
    req.end(JSON.stringify({ pin }))
  })
}

const wrongPin = (right: string, n: number): string => String((Number(right) + 1 + n) % 1_000_000).padStart(6, '0')

let fx: Fixture | undefined
afterEach(async () => { await fx?.close(); fx = undefined })

describe('red team: share PIN guessed from many addresses', () => {
  it('answers 429 to every address, the right PIN included, once maxPinFailuresPerShare wrong PINs fell within pinWindowMs', async () => {
    fx = await startFixture()
    const secret = await fx.file('secret.txt', 'the secret')
    const share = await fx.server.addShare({ paths: [secret], pin: true })
    const other = await fx.server.addShare({ paths: [secret], pin: true })
    const right = share.pin as string
    // A visitor who gave the PIN before the attack keeps the share open with its cookie.
    const opened = await fetch(`${fx.origin}${sharePath(share.urls[0] as string)}pin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: right }) })
    expect(opened.status).toBe(200)
    const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] as string

    const answers: Answer[] = []
    // Twelve addresses, four wrong PINs each: never the per-address limit (5).
    for (let a = 0; a < 12; a++) {
      for (let k = 0; k < 4; k++) answers.push(await tryPin(fx.server.port, share, wrongPin(right, a * 4 + k), `127.0.11.${a + 2}`))
    }
    // Before: all 48 were answered 403, each one a real try.
    expect(answers.filter((a) => a.status === 403)).toHaveLength(20)
    expect(answers.slice(0, 20).every((a) => a.code === 'FERRY_ERR_SHARE_WRONG_PIN')).toBe(true)
    for (const answer of answers.slice(20)) expect(answer).toMatchObject({ status: 429, code: 'FERRY_ERR_SHARE_RATE_LIMITED' })
    expect(Number(answers[20]?.retryAfter)).toBeGreaterThan(0)
    // A fresh address is made to wait as well, even with the right PIN: guesses are not tested against it.
    expect(await tryPin(fx.server.port, share, right, '127.0.11.200')).toMatchObject({ status: 429, code: 'FERRY_ERR_SHARE_RATE_LIMITED' })
    // The cap is the share's: the cookie given before still opens it, and another share's PIN form still works.
    expect((await fetch(`${fx.origin}${sharePath(share.urls[0] as string)}files`, { headers: { cookie } })).status).toBe(200)
    expect((await tryPin(fx.server.port, other, other.pin as string, '127.0.11.201')).status).toBe(200)
  })

  it('lets no more wrong PINs through than the cap when they all arrive at once', async () => {
    fx = await startFixture()
    const share = await fx.server.addShare({ paths: [await fx.file('secret.txt', 'the secret')], pin: true })
    const right = share.pin as string
    const port = fx.server.port
    const answers = await Promise.all(Array.from({ length: 40 }, async (_, a) => await tryPin(port, share, wrongPin(right, a), `127.0.12.${a + 2}`)))
    expect(answers.filter((a) => a.status === 403)).toHaveLength(20)
    expect(answers.filter((a) => a.status === 429)).toHaveLength(20)
  })

  it('takes the right PIN again once the window of the oldest wrong one has passed', async () => {
    fx = await startFixture({ limits: { maxPinFailuresPerShare: 3, pinWindowMs: 1500 } })
    const share = await fx.server.addShare({ paths: [await fx.file('secret.txt', 'the secret')], pin: true })
    const right = share.pin as string
    const port = fx.server.port
    for (let a = 0; a < 3; a++) expect((await tryPin(port, share, wrongPin(right, a), `127.0.13.${a + 2}`)).status).toBe(403)
    expect(await tryPin(port, share, wrongPin(right, 3), '127.0.13.10')).toMatchObject({ status: 429, code: 'FERRY_ERR_SHARE_RATE_LIMITED' })
    expect((await tryPin(port, share, right, '127.0.13.11')).status).toBe(429)
    // Refused attempts are not tries: asking again and again during the lockout does not make it longer.
    let n = 20
    await expect.poll(async () => (await tryPin(port, share, right, `127.0.13.${n++}`)).status, { timeout: 15_000, interval: 200 }).toBe(200)
  })
})
