// @vitest-environment jsdom
// The store is a projection of the engine: what the FerryApi reports (snapshot, then events) is what it holds.

import { describe, expect, it } from 'vitest'
import { MAX_FINISHED_TRANSFERS } from '@ferry/api'
import { FakeFerryApi, fakeError, fakeOffer, fakePeer, fakeShare, fakeTransfer } from '@ferry/api/testing'
import { createFerryStore } from '../src/store/ferry-store.ts'
import { MAX_NOTICES } from '../src/store/errors-slice.ts'
import { applyTransferEvent } from '../src/store/transfers-slice.ts'

async function setUp (init: ConstructorParameters<typeof FakeFerryApi>[0] = {}) {
  const fake = new FakeFerryApi(init)
  const store = createFerryStore(fake)
  await store.ready
  return { fake, store, state: () => store.getState() }
}

describe('the Ferry store', () => {
  it('starts from the engine snapshot', async () => {
    const peer = fakePeer()
    const { state } = await setUp({ peers: [peer], shares: [fakeShare()] })
    expect(state().phase).toBe('ready')
    expect(state().peers).toEqual([peer])
    expect(state().shares).toHaveLength(1)
    expect(state().settings?.downloadDir).toBe('/home/user/Downloads/Ferry')
    expect(state().device?.shortCode).toBe('SELF-0000')
  })

  it('shows an offer when the engine emits one, and drops it when the sender withdraws it', async () => {
    const { fake, state } = await setUp()
    const offer = fake.emitOffer({ text: 'hello' })
    expect(state().offers.map((o) => o.id)).toEqual([offer.id])
    fake.withdrawOffer(offer.id)
    expect(state().offers).toEqual([])
  })

  it('follows a transfer as it progresses and completes', async () => {
    const { fake, state } = await setUp()
    const t = fake.startTransfer({ status: 'waiting' })
    expect(state().transfers[0]?.status).toBe('waiting')
    fake.progress(t.id, 1_000_000, { rate: 500_000, etaSeconds: 6, files: [{ id: 0, bytesDone: 1_000_000, status: 'running' }] })
    expect(state().transfers[0]).toMatchObject({ status: 'running', bytesDone: 1_000_000, rate: 500_000, etaSeconds: 6 })
    expect(state().transfers[0]?.files[0]).toMatchObject({ bytesDone: 1_000_000, status: 'running' })
    fake.completeTransfer(t.id)
    expect(state().transfers[0]).toMatchObject({ status: 'completed', bytesDone: t.totalBytes })
    expect(state().history[0]).toMatchObject({ transferId: t.id, status: 'completed' })
  })

  it('ignores progress for a transfer it has not seen, and late progress for one that ended', () => {
    const done = fakeTransfer({ id: 'a', status: 'completed', bytesDone: 10, totalBytes: 10 })
    const late = { bytesDone: 5, totalBytes: 10, rate: 1, etaSeconds: 5 }
    expect(applyTransferEvent([done], { type: 'progress', progress: { id: 'unknown', ...late } })).toEqual([done])
    expect(applyTransferEvent([done], { type: 'progress', progress: { id: 'a', ...late } })[0]).toBe(done)
  })

  it('accepting an offer asks the engine with the chosen files and trust, and removes the offer', async () => {
    const { fake, state } = await setUp({ peers: [fakePeer()] })
    const offer = fake.emitOffer()
    await state().respondToOffer(offer.id, { accept: true, fileIds: [1], trust: true })
    expect(fake.callsTo('respondToOffer')).toEqual([[offer.id, { accept: true, fileIds: [1], trust: true }]])
    expect(state().offers).toEqual([])
    expect(state().peers[0]?.trust).toBe('trusted')
  })

  it('records engine errors as notices, newest first and bounded', async () => {
    const { fake, state } = await setUp()
    for (let i = 0; i < MAX_NOTICES + 2; i++) fake.emitError(fakeError('FERRY_ERR_DISK'), `job ${i}`)
    expect(state().notices).toHaveLength(MAX_NOTICES)
    expect(state().notices[0]?.context).toBe(`job ${MAX_NOTICES + 1}`)
    state().dismissNotice(state().notices[0]?.id ?? -1)
    expect(state().notices).toHaveLength(MAX_NOTICES - 1)
  })

  it('keeps every running transfer but only the newest finished ones', async () => {
    const finished = Array.from({ length: MAX_FINISHED_TRANSFERS + 10 }, (_, i) => fakeTransfer({ id: `done-${i}`, status: 'completed' }))
    const { fake, state } = await setUp({ transfers: finished })
    expect(state().transfers).toHaveLength(MAX_FINISHED_TRANSFERS)
    fake.startTransfer({ id: 'new', status: 'running' })
    expect(state().transfers[0]?.id).toBe('new')
    expect(state().transfers.filter((t) => t.status === 'completed')).toHaveLength(MAX_FINISHED_TRANSFERS)
  })

  it('asks for a fresh snapshot when the bridge reconnects', async () => {
    const { fake, state } = await setUp()
    fake.setConnection('open')
    fake.setConnection('connecting')
    expect(state().connection).toBe('connecting')
    const calls = fake.callsTo('getState').length
    fake.setConnection('open')
    expect(state().connection).toBe('open')
    expect(fake.callsTo('getState').length).toBe(calls + 1)
  })

  it('says why the first snapshot failed', async () => {
    const fake = new FakeFerryApi()
    fake.failNext('getState', fakeError('FERRY_ERR_API_DISCONNECTED', 'down'))
    const store = createFerryStore(fake)
    await store.ready
    expect(store.getState().phase).toBe('failed')
    expect(store.getState().loadError?.code).toBe('FERRY_ERR_API_DISCONNECTED')
    await store.reload()
    expect(store.getState().phase).toBe('ready')
  })

  it('stops listening when disposed', async () => {
    const { fake, store } = await setUp()
    expect(fake.listenerCount('offer')).toBe(1)
    store.dispose()
    expect(fake.listenerCount('offer')).toBe(0)
    fake.emitOffer(fakeOffer())
    expect(store.getState().offers).toEqual([])
  })
})
