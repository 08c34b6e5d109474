// Issue 4, security: a share with a 6-digit PIN opens only after the PIN, trades it for a cookie scoped to that share,
// and takes 5 wrong PINs per IP per 10 minutes before every attempt gets 429.

import request from 'supertest'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ShareInfo } from '../src/index.ts'
import { startFixture, sharePath, type Fixture } from './helpers/share-fixture.ts'

let fx: Fixture
let share: ShareInfo
let base: string

beforeEach(async () => {
  fx = await startFixture()
  await fx.file('secret.txt', 'the secret')
  share = await fx.server.addShare({ paths: [`${fx.dir}/secret.txt`], pin: true })
  base = sharePath(share.urls[0] as string)
})
afterEach(async () => { await fx.close() })

function wrong (pin: string): string {
  return pin === '000000' ? '000001' : '000000'
}

describe('a share with a PIN', () => {
  it('gets a random 6-digit PIN when asked for one', () => {
    expect(share.pin).toMatch(/^[0-9]{6}$/)
  })

  it('serves the page, which asks for the PIN, but no list, file, hash or zip without it', async () => {
    await request(fx.origin).get(base).expect(200)
    for (const path of ['files', 'files/0', 'files/0/blake3', 'all.zip']) {
      const res = await request(fx.origin).get(`${base}${path}`).expect(401)
      expect(res.body.error.code).toBe('FERRY_ERR_SHARE_PIN_REQUIRED')
    }
  })

  it('trades the right PIN for an HttpOnly, SameSite=Strict cookie that opens this share', async () => {
    const agent = request.agent(fx.origin)
    const res = await agent.post(`${base}pin`).send({ pin: share.pin }).expect(200)
    const cookie = String(res.headers['set-cookie'])
    expect(cookie).toMatch(new RegExp(`^ferry_pin=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+; Path=${base}; Max-Age=\\d+; HttpOnly; SameSite=Strict$`))
    await agent.get(`${base}files`).expect(200)
    const file = await agent.get(`${base}files/0`).expect(200)
    expect(file.text).toBe('the secret')
  })

  it('gives each client a cookie value of its own, each of which opens the share (issue 14)', async () => {
    const values = new Set<string>()
    for (let i = 0; i < 3; i++) {
      const res = await request(fx.origin).post(`${base}pin`).send({ pin: share.pin }).expect(200)
      const value = String(res.headers['set-cookie']).split(';')[0] as string
      values.add(value)
      await request(fx.origin).get(`${base}files`).set('Cookie', value).expect(200)
    }
    expect(values.size).toBe(3)
  })

  it('also takes the PIN from a plain HTML form post', async () => {
    await request(fx.origin).post(`${base}pin`).type('form').send({ pin: share.pin }).expect(200)
  })

  it('does not open another share with this share\'s cookie', async () => {
    const other = await fx.server.addShare({ paths: [`${fx.dir}/secret.txt`], pin: '123456' })
    const res = await request(fx.origin).post(`${base}pin`).send({ pin: share.pin }).expect(200)
    const value = String(res.headers['set-cookie']).split(';')[0] as string
    await request(fx.origin).get(`${sharePath(other.urls[0] as string)}files`).set('Cookie', value).expect(401)
  })

  it('refuses wrong PINs with 403, then answers 429 after 5 of them, even to the right PIN', async () => {
    const pin = share.pin as string
    for (let i = 0; i < 5; i++) {
      const res = await request(fx.origin).post(`${base}pin`).send({ pin: wrong(pin) }).expect(403)
      expect(res.body.error.code).toBe('FERRY_ERR_SHARE_WRONG_PIN')
    }
    const limited = await request(fx.origin).post(`${base}pin`).send({ pin }).expect(429)
    expect(limited.body.error.code).toBe('FERRY_ERR_SHARE_RATE_LIMITED')
    // What is left of the 10-minute window that began with the first wrong PIN.
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(540)
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(600)
    expect(limited.headers.ratelimit).toBeDefined()
  })

  it('says how many tries are left after each wrong PIN, and how long to wait once refused (issue 15)', async () => {
    const pin = share.pin as string
    const left: unknown[] = []
    for (let i = 0; i < 5; i++) left.push((await request(fx.origin).post(`${base}pin`).send({ pin: wrong(pin) }).expect(403)).body.triesLeft)
    expect(left).toEqual([4, 3, 2, 1, 0])
    const limited = await request(fx.origin).post(`${base}pin`).send({ pin }).expect(429)
    expect(limited.body.retryAfterSeconds).toBe(Number(limited.headers['retry-after']))
    expect(limited.body.error.message).toMatch(/try again in 10 minutes$/)
  })

  it('does not count right PINs against the limit', async () => {
    for (let i = 0; i < 8; i++) await request(fx.origin).post(`${base}pin`).send({ pin: share.pin }).expect(200)
    await request(fx.origin).post(`${base}pin`).send({ pin: wrong(share.pin as string) }).expect(403)
  })

  it('counts malformed PIN bodies as wrong attempts', async () => {
    await request(fx.origin).post(`${base}pin`).set('Content-Type', 'application/json').send('{not json').expect(400)
    await request(fx.origin).post(`${base}pin`).send({ pin: 123456 }).expect(403)
    await request(fx.origin).post(`${base}pin`).send({ pin: '12345' }).expect(403)
    await request(fx.origin).post(`${base}pin`).send({ pin: 'x'.repeat(2000) }).expect(413)
    await request(fx.origin).post(`${base}pin`).send({}).expect(403)
    await request(fx.origin).post(`${base}pin`).send({ pin: share.pin }).expect(429)
  })

  it('stops working the moment the share is revoked, cookie or not', async () => {
    const agent = request.agent(fx.origin)
    await agent.post(`${base}pin`).send({ pin: share.pin }).expect(200)
    expect(fx.server.revoke(share.id)).toBe(true)
    await agent.get(`${base}files`).expect(404)
    expect(fx.server.revoke(share.id)).toBe(false)
  })
})

describe('the PIN limit', () => {
  it('follows maxPinAttempts and pinWindowMs', async () => {
    await fx.close()
    fx = await startFixture({ limits: { maxPinAttempts: 2, pinWindowMs: 300 } })
    await fx.file('a.txt', 'a')
    const s = await fx.server.addShare({ paths: [`${fx.dir}/a.txt`], pin: '424242' })
    const path = `${sharePath(s.urls[0] as string)}pin`
    await request(fx.origin).post(path).send({ pin: '000000' }).expect(403)
    await request(fx.origin).post(path).send({ pin: '000000' }).expect(403)
    await request(fx.origin).post(path).send({ pin: '424242' }).expect(429)
    await new Promise((resolve) => setTimeout(resolve, 400))
    await request(fx.origin).post(path).send({ pin: '424242' }).expect(200)
  })
})
