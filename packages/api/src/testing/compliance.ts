// One behaviour suite for every FerryApi host (STYLE.md rule 15): the service itself, the WebSocket bridge, and
// the Electron IPC bridge (apps/desktop) each run it through describeFerryApiCompliance(). Importing this file
// registers nothing; `describe`/`it`/`expect` come from vitest imports, not globals. It runs under Node (it opens a
// UDP socket), so it is an entry point of its own (`@ferry/api/compliance`), apart from the browser-safe fakes.

import { createSocket, type Socket } from 'node:dgram'
import { describe, expect, it } from 'vitest'
import type { FerryApi, OfferEvent, Settings } from '../ferry-api.ts'

export interface ComplianceHarness {
  api: FerryApi
  close: () => Promise<void>
  /** Makes another device offer a file to this host; resolves once it has been sent (not answered). */
  offerToMe?: () => Promise<void>
}

/** Resolves with the first event a subscription delivers that passes `match`; fails after `ms`. */
export async function nextEvent<T> (subscribe: (listener: (payload: T) => void) => () => void, match: (payload: T) => boolean = () => true, ms = 10_000): Promise<T> {
  return await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error('no matching event arrived')) }, ms)
    const stop = subscribe((payload) => {
      if (!match(payload)) return
      clearTimeout(timer)
      stop()
      resolve(payload)
    })
  })
}

async function rejection (promise: Promise<unknown>): Promise<{ name?: unknown, code?: unknown, message?: unknown }> {
  try {
    await promise
  } catch (err) {
    return err as { name?: unknown, code?: unknown, message?: unknown }
  }
  throw new Error('expected the call to reject')
}

/** A UDP port that swallows every packet: a dial to it waits until it times out (or is cancelled). */
async function blackHole (): Promise<{ port: number, socket: Socket }> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => { socket.bind(0, '127.0.0.1', resolve) })
  return { port: socket.address().port, socket }
}

export function describeFerryApiCompliance (name: string, makeApi: () => Promise<ComplianceHarness>): void {
  describe(`FerryApi compliance: ${name}`, () => {
    const withApi = async (body: (h: ComplianceHarness) => Promise<void>): Promise<void> => {
      const harness = await makeApi()
      try {
        await body(harness)
      } finally {
        await harness.close()
      }
    }

    it('getState returns a plain JSON snapshot of everything the UI shows', async () => withApi(async ({ api }) => {
      const state = await api.getState()
      expect(JSON.parse(JSON.stringify(state))).toEqual(state)
      expect(state.device.peerId).toMatch(/^[1-9A-HJ-NP-Za-km-z]{40,100}$/)
      expect(state.device.addresses.length).toBeGreaterThan(0)
      for (const list of [state.peers, state.transfers, state.offers, state.shares, state.history]) expect(Array.isArray(list)).toBe(true)
      expect(typeof state.settings.alias).toBe('string')
    }))

    it('a change arrives as an event, and the next snapshot includes it', async () => withApi(async ({ api }) => {
      const event = nextEvent<Settings>((l) => api.onSettings(l), (s) => s.alias === 'Compliance box')
      const saved = await api.updateSettings({ alias: 'Compliance box', filesInFlight: 3 })
      expect(saved).toMatchObject({ alias: 'Compliance box', filesInFlight: 3 })
      expect(await event).toMatchObject({ alias: 'Compliance box' })
      expect((await api.getState()).settings).toEqual(saved)
    }))

    it('an unsubscribed listener hears nothing more', async () => withApi(async ({ api }) => {
      const heard: Settings[] = []
      const stop = api.onSettings((s) => { heard.push(s) })
      stop()
      stop()
      const later = nextEvent<Settings>((l) => api.onSettings(l))
      await api.updateSettings({ filesInFlight: 5 })
      await later
      expect(heard).toEqual([])
    }))

    it('a call with bad arguments rejects with FERRY_ERR_API_INVALID_ARGUMENT and changes nothing', async () => withApi(async ({ api }) => {
      const bad: Array<Promise<unknown>> = [
        api.sendFiles('not a peer id', ['/tmp/a']),
        api.sendFiles('12D3KooWQfRrLy2C7Jc6c7GHcFyvYT5Ahu5k6xPoMBRfAb7XYXBR', ['relative/path']),
        api.sendFiles('12D3KooWQfRrLy2C7Jc6c7GHcFyvYT5Ahu5k6xPoMBRfAb7XYXBR', 'not a list' as unknown as string[]),
        api.sendText('12D3KooWQfRrLy2C7Jc6c7GHcFyvYT5Ahu5k6xPoMBRfAb7XYXBR', 'x'.repeat(64 * 1024 + 1)),
        api.respondToOffer(42 as unknown as string, { accept: true }),
        api.respondToOffer('offer-1', { accept: 'yes' } as unknown as { accept: true }),
        api.setTrust('12D3KooWQfRrLy2C7Jc6c7GHcFyvYT5Ahu5k6xPoMBRfAb7XYXBR', 'best friend' as 'trusted'),
        api.createShare({ paths: ['/tmp'], pin: false, expiresInMs: -1, allowUpload: false }),
        api.updateSettings({ port: 70_000 }),
        api.updateSettings({ evil: true } as unknown as Partial<Settings>),
        api.openFile('../etc/passwd')
      ]
      for (const call of bad) {
        const error = await rejection(call)
        expect(error).toMatchObject({ code: 'FERRY_ERR_API_INVALID_ARGUMENT' })
        expect(typeof error.message).toBe('string')
        expect(typeof error.name).toBe('string')
      }
      expect((await api.getState()).settings.port).not.toBe(70_000)
    }))

    it('errors keep their code: an unknown offer is FERRY_ERR_API_NOT_FOUND, a bad address FERRY_ERR_API_BAD_ADDRESS', async () => withApi(async ({ api }) => {
      expect(await rejection(api.respondToOffer('no-such-offer', { accept: false }))).toMatchObject({ code: 'FERRY_ERR_API_NOT_FOUND' })
      expect(await rejection(api.cancelTransfer('no-such-transfer'))).toMatchObject({ code: 'FERRY_ERR_API_NOT_FOUND' })
      expect(await rejection(api.addPeerByAddress('not an address'))).toMatchObject({ code: 'FERRY_ERR_API_BAD_ADDRESS' })
    }))

    it('a call whose signal is already aborted rejects with FERRY_ERR_CANCELLED', async () => withApi(async ({ api }) => {
      const controller = new AbortController()
      controller.abort()
      expect(await rejection(api.getState({ signal: controller.signal }))).toMatchObject({ code: 'FERRY_ERR_CANCELLED' })
    }))

    it('aborting a running call rejects it with FERRY_ERR_CANCELLED at once', async () => withApi(async ({ api }) => {
      const hole = await blackHole()
      try {
        const controller = new AbortController()
        const call = api.addPeerByAddress(`127.0.0.1:${hole.port}`, { signal: controller.signal })
        setTimeout(() => { controller.abort() }, 100)
        const started = Date.now()
        expect(await rejection(call)).toMatchObject({ code: 'FERRY_ERR_CANCELLED' })
        expect(Date.now() - started).toBeLessThan(2_000)
      } finally {
        hole.socket.close()
      }
    }))

    it('an incoming offer arrives as an event, shows in the snapshot, and leaves when declined', async () => withApi(async ({ api, offerToMe }) => {
      if (offerToMe === undefined) return
      const added = nextEvent<OfferEvent>((l) => api.onOffer(l), (e) => e.type === 'added')
      await offerToMe()
      const event = await added
      if (event.type !== 'added') throw new Error('unreachable')
      expect((await api.getState()).offers.map((o) => o.id)).toContain(event.offer.id)
      const removed = nextEvent<OfferEvent>((l) => api.onOffer(l), (e) => e.type === 'removed')
      await api.respondToOffer(event.offer.id, { accept: false })
      expect(await removed).toEqual({ type: 'removed', offerId: event.offer.id, reason: 'answered' })
      expect((await api.getState()).offers).toEqual([])
    }))
  })
}
