// @vitest-environment jsdom
// The app shell: navigation between screens, the engine's problems as notices in words, the state of the link
// to the engine, and demo mode.

import { act, screen, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { fakeError, fakePeer, fakeTransfer } from '@ferry/api/testing'
import { App } from '../src/app/App.tsx'
import { NOT_ANSWERING_AFTER_MS } from '../src/components/Banners.tsx'
import { renderFerry, useFerryCleanup } from './helpers/render-ferry.tsx'

useFerryCleanup()

/** The text of the banner about the link to the engine. */
const banner = (): string => document.querySelector('.banner--warn')?.textContent ?? ''

describe('the app shell', () => {
  it('shows this device and starts on Nearby', async () => {
    await renderFerry(<App />)
    expect(screen.getByText('This computer')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Nearby' }).getAttribute('aria-current')).toBe('page')
    expect(screen.getByRole('heading', { name: 'Nearby devices' })).toBeTruthy()
  })

  it('moves between screens with the navigation buttons, each with a helpful empty state', async () => {
    const { user } = await renderFerry(<App />)
    const nav = screen.getByRole('navigation', { name: 'Sections' })
    const expectations: Array<[string, string]> = [['Transfers', 'No transfers yet'], ['Share links', 'No share links'], ['History', 'Nothing here yet'], ['Nearby', 'No devices found yet']]
    for (const [button, empty] of expectations) {
      await user.click(within(nav).getByRole('button', { name: button }))
      expect(within(nav).getByRole('button', { name: button }).getAttribute('aria-current')).toBe('page')
      expect(screen.getByText(empty)).toBeTruthy()
    }
  })

  it('counts running transfers in the navigation', async () => {
    await renderFerry(<App />, { transfers: [fakeTransfer({ id: 'a' }), fakeTransfer({ id: 'b', status: 'completed' })] })
    expect(screen.getByRole('button', { name: 'Transfers, 1 active' })).toBeTruthy()
  })

  it('shows an engine problem as a notice in words, which can be dismissed', async () => {
    const { fake, user } = await renderFerry(<App />)
    act(() => { fake.emitError(fakeError('FERRY_ERR_DISK', 'EACCES: permission denied'), 'Receiving') })
    const notices = screen.getByRole('region', { name: 'Notifications' })
    expect(notices.textContent).toContain('Receiving: A received file couldn’t be written to disk.')
    await user.click(within(notices).getByRole('button', { name: 'Dismiss' }))
    expect(notices.textContent).toBe('')
  })

  it('shows a refused action as a notice in words', async () => {
    const { fake, user } = await renderFerry(<App />, { peers: [fakePeer()] })
    fake.pickFilesResult = ['/a.txt']
    fake.failNext('sendFiles', fakeError('FERRY_ERR_UNREACHABLE'))
    await user.click(screen.getByRole('button', { name: 'Send files…' }))
    expect(screen.getByRole('region', { name: 'Notifications' }).textContent).toMatch(/couldn’t reach that device/)
  })

  it('says when the link to the engine is down, and clears it when it is back', async () => {
    const { fake } = await renderFerry(<App />)
    act(() => { fake.setConnection('open') })
    act(() => { fake.setConnection('connecting') })
    expect(screen.getByText(/Reconnecting/)).toBeTruthy()
    act(() => { fake.setConnection('open') })
    expect(screen.queryByText(/Reconnecting/)).toBeNull()
  })

  it('says the page must sign in again when the server refused it, and how (issue 15)', async () => {
    const { fake } = await renderFerry(<App />)
    act(() => { fake.setConnection('closed') })
    expect(banner()).toMatch(/not signed in to Ferry: its one-time link was used or has expired, or “ferry ui” was restarted/)
    expect(banner()).toContain('ferry ui --open')
  })

  it('says Ferry is not answering at this address after reconnecting for a while, not “Reconnecting…” forever (issue 15)', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    try {
      const { fake } = await renderFerry(<App />)
      act(() => { fake.setConnection('connecting') })
      expect(banner()).toMatch(/Reconnecting/)
      act(() => { vi.advanceTimersByTime(NOT_ANSWERING_AFTER_MS + 1) })
      expect(banner()).toMatch(/Ferry is not answering at this address\. If “ferry ui” was stopped or restarted/)
      act(() => { fake.setConnection('open') })
      expect(document.querySelector('.banner--warn')).toBeNull()
    } finally {
      vi.useRealTimers()
    }
  })

  it('shows the demo banner in demo mode, whose button simulates an offer', async () => {
    const simulateOffer = vi.fn()
    const { user } = await renderFerry(<App demo={{ simulateOffer }} />)
    expect(screen.getByRole('note').textContent).toMatch(/Demo mode/)
    await user.click(screen.getByRole('button', { name: 'Simulate an incoming offer' }))
    expect(simulateOffer).toHaveBeenCalledOnce()
  })
})
