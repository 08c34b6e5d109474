// @vitest-environment jsdom
// Issue 15: feedback only on the Transfers tab. A decline or a failure left the Nearby screen silent, and a device
// shown Offline took a send that failed out of sight seconds later. Now each card says what became of the last send
// to it, and an offline device takes none.

import { act, fireEvent, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fakeError, fakePeer } from '@ferry/api/testing'
import { App } from '../src/app/App.tsx'
import { NearbyScreen } from '../src/screens/NearbyScreen.tsx'
import { renderFerry, useFerryCleanup } from './helpers/render-ferry.tsx'

useFerryCleanup()

const bob = fakePeer({ id: '12D3KooWBobBobBobBobBobBobBobBobBobBobBobBobBob11', alias: 'Bob', trust: 'known' })
const card = (): HTMLElement => screen.getByRole('article', { name: 'Bob' })

describe('the Nearby screen says what became of a send (issue 15)', () => {
  it('shows a decline on the device’s card, even after a visit to another screen', async () => {
    const { fake, user } = await renderFerry(<App />, { peers: [bob] })
    fake.pickFilesResult = ['/home/me/a.txt']
    await user.click(within(card()).getByRole('button', { name: 'Send files…' }))
    expect(within(card()).getByRole('status').textContent).toBe('Offered 1 file to Bob: waiting for Bob to accept.')
    await user.click(screen.getByRole('button', { name: 'History' }))
    const [[, paths]] = fake.callsTo('sendFiles') as [[string, string[]]]
    expect(paths).toEqual(['/home/me/a.txt'])
    const id = fake.transfers()[0]?.id as string
    act(() => { fake.startTransfer({ ...fake.transfer(id), status: 'declined', error: fakeError('FERRY_ERR_PEER_DECLINED') }) })
    await user.click(screen.getByRole('button', { name: 'Nearby' }))
    expect(within(card()).getByRole('status').textContent).toBe('Bob declined 1 file.')
  })

  it('shows a failure in words on the card', async () => {
    const { fake, user } = await renderFerry(<NearbyScreen />, { peers: [bob] })
    fake.pickFolderResult = '/home/me/album'
    await user.click(within(card()).getByRole('button', { name: 'Send folder…' }))
    act(() => { fake.failTransfer(fake.transfers()[0]?.id as string, fakeError('FERRY_ERR_UNREACHABLE')) })
    expect(within(card()).getByRole('status').textContent).toMatch(/^Could not send 1 file to Bob\. Ferry couldn’t reach that device/)
  })

  it('takes no send for a device shown Offline, and says why when files are dropped on it', async () => {
    const { fake } = await renderFerry(<NearbyScreen />, { peers: [{ ...bob, online: false }], resolveDrop: async () => ['/dropped/a.txt'] })
    for (const name of ['Send files…', 'Send folder…', 'Send text…']) expect(within(card()).getByRole('button', { name })).toHaveProperty('disabled', true)
    const dataTransfer = { files: [new File(['x'], 'a.txt')], types: ['Files'], dropEffect: 'none' }
    fireEvent.dragEnter(card(), { dataTransfer })
    fireEvent.drop(card(), { dataTransfer })
    expect(within(card()).getByRole('status').textContent).toMatch(/Bob is offline, so nothing was sent/)
    expect(fake.callsTo('sendFiles')).toEqual([])
  })
})
