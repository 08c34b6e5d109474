// @vitest-environment jsdom
// An incoming offer asks the user: who, what, and the answer goes to the engine exactly as chosen.

import { act, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fakeOffer, fakePeer, partyOf } from '@ferry/api/testing'
import { renderFerry, useFerryCleanup } from './helpers/render-ferry.tsx'

useFerryCleanup()

const peer = fakePeer({ alias: 'Ada’s laptop', shortCode: 'K7Q2-9MXD', trust: 'known' })

describe('the incoming offer dialog', () => {
  it('appears when an offer arrives, naming the sender, its code, trust, files and sizes', async () => {
    const { fake } = await renderFerry(undefined, { peers: [peer] })
    act(() => { fake.emitOffer(fakeOffer({ from: partyOf(peer) })) })
    const dialog = screen.getByRole('dialog', { name: 'Ada’s laptop wants to send you 2 files' })
    expect(within(dialog).getByText('K7Q2-9MXD')).toBeTruthy()
    expect(within(dialog).getByText('Known')).toBeTruthy()
    expect(within(dialog).getByRole('checkbox', { name: 'holiday/beach.jpg' })).toHaveProperty('checked', true)
    expect(within(dialog).getByRole('checkbox', { name: 'holiday/beach.jpg' }).closest('li')?.textContent).toContain('2.4 MB')
  })

  it('says at what time an unanswered offer declines by itself', async () => {
    const { fake } = await renderFerry(undefined, { peers: [peer] })
    const expiresAt = new Date(2026, 10, 23, 14, 5).getTime()
    act(() => { fake.emitOffer(fakeOffer({ from: partyOf(peer), expiresAt })) })
    const clock = new Date(expiresAt).toLocaleTimeString(undefined, { timeStyle: 'short' })
    expect(within(screen.getByRole('dialog')).getByText(`Unanswered, it is declined by itself at ${clock}.`)).toBeTruthy()
  })

  it('accept all calls respondToOffer with every file and the trust flag', async () => {
    const { fake, user } = await renderFerry(undefined, { peers: [peer] })
    act(() => { fake.emitOffer(fakeOffer({ id: 'o1', from: partyOf(peer) })) })
    await user.click(screen.getByRole('checkbox', { name: 'Trust this device' }))
    await user.click(screen.getByRole('button', { name: 'Accept all' }))
    expect(fake.callsTo('respondToOffer')).toEqual([['o1', { accept: true, trust: true }]])
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('accept selected sends only the checked files, without trusting by default', async () => {
    const { fake, user } = await renderFerry(undefined, { peers: [peer] })
    act(() => { fake.emitOffer(fakeOffer({ id: 'o1', from: partyOf(peer) })) })
    await user.click(screen.getByRole('checkbox', { name: 'holiday/beach.jpg' }))
    await user.click(screen.getByRole('button', { name: 'Accept selected (1)' }))
    expect(fake.callsTo('respondToOffer')).toEqual([['o1', { accept: true, fileIds: [1], trust: false }]])
  })

  it('decline calls respondToOffer with accept false', async () => {
    const { fake, user } = await renderFerry()
    act(() => { fake.emitOffer(fakeOffer({ id: 'o1' })) })
    await user.click(screen.getByRole('button', { name: 'Decline' }))
    expect(fake.callsTo('respondToOffer')).toEqual([['o1', { accept: false }]])
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('Escape puts the offer aside without answering it, and the header button brings it back', async () => {
    const { fake, user } = await renderFerry()
    act(() => { fake.emitOffer(fakeOffer()) })
    expect(screen.getByRole('dialog')).toBeTruthy()
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(fake.callsTo('respondToOffer')).toEqual([])
    await user.click(screen.getByRole('button', { name: '1 offer waiting' }))
    expect(screen.getByRole('dialog')).toBeTruthy()
  })

  it('shows a text message with a Copy button that copies it', async () => {
    const { fake, user } = await renderFerry()
    act(() => { fake.emitOffer(fakeOffer({ files: [], totalBytes: 0, text: 'the wifi password is hunter2' })) })
    const dialog = screen.getByRole('dialog', { name: /wants to send you a message/ })
    expect(within(dialog).getByText('the wifi password is hunter2')).toBeTruthy()
    await user.click(within(dialog).getByRole('button', { name: 'Copy' }))
    expect(await navigator.clipboard.readText()).toBe('the wifi password is hunter2')
    expect(within(dialog).getByText('Copied')).toBeTruthy()
  })

  it('warns when the sender’s identity changed', async () => {
    const { fake } = await renderFerry()
    act(() => { fake.emitOffer(fakeOffer({ identityChanged: true })) })
    expect(screen.getByRole('note').textContent).toMatch(/different identity/)
  })

  it('warns about files that are hidden or enter hidden folders, and marks each of them (issue 15)', async () => {
    const { fake } = await renderFerry()
    const files = [{ id: 0, path: '.ssh/authorized_keys', size: 90, hidden: true as const }, { id: 1, path: 'notes.txt', size: 5 }]
    act(() => { fake.emitOffer(fakeOffer({ files, totalBytes: 95, hiddenPaths: 1 })) })
    expect(screen.getByRole('note').textContent).toMatch(/One file is hidden or goes into a hidden folder/)
    expect(within(screen.getByRole('dialog')).getByRole('checkbox', { name: '.ssh/authorized_keys hidden' })).toBeTruthy()
    expect(within(screen.getByRole('dialog')).getByRole('checkbox', { name: 'notes.txt' })).toBeTruthy()
  })

  it('closes by itself when the sender withdraws the offer', async () => {
    const { fake } = await renderFerry()
    const offer = fakeOffer({ id: 'o1' })
    act(() => { fake.emitOffer(offer) })
    act(() => { fake.withdrawOffer('o1') })
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('says in words when the offer is already gone', async () => {
    const { fake, user } = await renderFerry()
    act(() => { fake.emitOffer(fakeOffer({ id: 'o1' })) })
    fake.failNext('respondToOffer', { name: 'FerryError', code: 'FERRY_ERR_API_NOT_FOUND', message: 'gone' })
    await user.click(screen.getByRole('button', { name: 'Accept all' }))
    expect(screen.getByRole('alert').textContent).toMatch(/no longer there/)
  })
})
