// @vitest-environment jsdom
// Issue 15: offers must be seen. An upload offer opened behind the share dialog it came through, the tab's title
// never changed, and nothing told a user whose tab was in the background. Now an offer sits above every dialog, takes
// the focus (on Accept, whose keys wait a moment), the title counts the offers waiting, and a page in the background
// raises a notification.

import { act, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fakeOffer, fakePeer, fakeShare, partyOf } from '@ferry/api/testing'
import { App } from '../src/app/App.tsx'
import { OFFER_KEYS_ARM_MS } from '../src/dialogs/OfferDialog.tsx'
import { SettingsScreen } from '../src/screens/SettingsScreen.tsx'
import { RecordingNotifier, renderFerry, useFerryCleanup } from './helpers/render-ferry.tsx'

useFerryCleanup()

const ada = fakePeer({ alias: 'Ada', trust: 'known' })
const backdropOf = (dialog: HTMLElement): HTMLElement => dialog.parentElement as HTMLElement

describe('offers that are seen (issue 15)', () => {
  it('opens an upload offer above the open share dialog, with the focus in it, and gives the focus back after the answer', async () => {
    const { fake, user } = await renderFerry(<App />, { shares: [fakeShare({ id: 's1', allowUpload: true })] })
    await user.click(screen.getByRole('button', { name: 'Share links' }))
    await user.click(screen.getByRole('button', { name: 'Details and QR code' }))
    const share = screen.getByRole('dialog', { name: 'Share link' })
    const copy = within(share).getByRole('button', { name: 'Copy link' })
    copy.focus()
    act(() => { fake.emitOffer(fakeOffer({ id: 'up1', from: { kind: 'browser', id: '192.168.1.44:50000', name: 'Sam (browser at 192.168.1.44)', shareId: 's1' } })) })
    const offer = screen.getByRole('dialog', { name: /^Sam \(browser at 192\.168\.1\.44\) wants to send you 2 files$/ })
    expect(backdropOf(offer).className).toContain('dialog-backdrop--top')
    expect(backdropOf(share).className).not.toContain('dialog-backdrop--top')
    expect(document.activeElement).toBe(within(offer).getByRole('button', { name: 'Accept all' }))
    await user.click(within(offer).getByRole('button', { name: 'Accept all' }))
    expect(fake.callsTo('respondToOffer')).toEqual([['up1', { accept: true, trust: false }]])
    expect(screen.getByRole('dialog', { name: 'Share link' })).toBeTruthy()
    expect(document.activeElement).toBe(copy)
  })

  it('ignores Enter on Accept for a moment after the offer appears, then takes it', async () => {
    const { fake, user } = await renderFerry(<App />, { peers: [ada] })
    act(() => { fake.emitOffer(fakeOffer({ id: 'o1', from: partyOf(ada) })) })
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Accept all' }))
    await user.keyboard('{Enter}')
    expect(fake.callsTo('respondToOffer')).toEqual([])
    await act(async () => { await new Promise((resolve) => setTimeout(resolve, OFFER_KEYS_ARM_MS + 100)) })
    await user.keyboard('{Enter}')
    expect(fake.callsTo('respondToOffer')).toEqual([['o1', { accept: true, trust: false }]])
  })

  it('puts the focus on Decline when the offer is flagged (hidden folders)', async () => {
    const { fake } = await renderFerry(<App />, { peers: [ada] })
    act(() => { fake.emitOffer(fakeOffer({ id: 'o1', from: partyOf(ada), hiddenPaths: 1 })) })
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Decline' }))
  })

  it('counts waiting offers in the title and puts the title back when none is left', async () => {
    document.title = 'Ferry'
    const { fake, user } = await renderFerry(<App />, { peers: [ada] })
    act(() => { fake.emitOffer(fakeOffer({ id: 'o1', from: partyOf(ada) })) })
    act(() => { fake.emitOffer(fakeOffer({ id: 'o2', from: partyOf(ada) })) })
    expect(document.title).toBe('(2) Ferry')
    await user.click(screen.getByRole('button', { name: 'Decline' }))
    expect(document.title).toBe('(1) Ferry')
    await user.click(screen.getByRole('button', { name: 'Decline' }))
    expect(document.title).toBe('Ferry')
  })

  it('notifies of a new offer while the page is in the background, and not while it is in front', async () => {
    const notifier = new RecordingNotifier()
    const { fake } = await renderFerry(<App />, { peers: [ada], notifier, offers: [fakeOffer({ id: 'old', from: partyOf(ada) })] })
    notifier.background = false
    act(() => { fake.emitOffer(fakeOffer({ id: 'o1', from: partyOf(ada) })) })
    expect(notifier.shown).toEqual([])
    notifier.background = true
    act(() => { fake.emitOffer(fakeOffer({ id: 'o2', from: partyOf(ada), text: 'the wifi password is hunter2', files: [], totalBytes: 0 })) })
    expect(notifier.shown).toEqual([{ title: 'Ada wants to send you a message', body: 'Open Ferry to read it.', tag: 'ferry-offer-o2' }])
  })

  it('lets a browser user turn notifications on from Settings', async () => {
    const notifier = new RecordingNotifier('default')
    const { user } = await renderFerry(<SettingsScreen />, { notifier })
    await user.click(screen.getByRole('button', { name: 'Turn on notifications' }))
    await waitFor(() => { expect(screen.getByText(/Ferry shows a notification/)).toBeTruthy() })
  })
})
