// @vitest-environment jsdom
// Issue 15: a finished transfer had no next step (no Open, no Show in folder, no word of where the files went, no
// verified mark), a failed text offered "Resume", and texts showed "0 B".

import { act, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fakeError, fakeHistoryEntry, fakeOffer, fakePeer, fakeTransfer, partyOf } from '@ferry/api/testing'
import { App } from '../src/app/App.tsx'
import { HistoryScreen } from '../src/screens/HistoryScreen.tsx'
import { NearbyScreen } from '../src/screens/NearbyScreen.tsx'
import { baseFolder } from '../src/screens/TransferOutcome.tsx'
import { TransfersScreen } from '../src/screens/TransfersScreen.tsx'
import { renderFerry, useFerryCleanup } from './helpers/render-ferry.tsx'

useFerryCleanup()

const ada = partyOf(fakePeer({ alias: 'Ada' }))

describe('a finished transfer’s next step (issue 15)', () => {
  it('says a received file was verified and where it went, and opens it or shows it in its folder', async () => {
    const { fake, user } = await renderFerry(<TransfersScreen />)
    act(() => { fake.startTransfer({ id: 't1', direction: 'receive', peer: ada, files: [{ id: 0, path: 'Trip/beach.jpg', size: 2_000_000, bytesDone: 0, status: 'pending' }], fileCount: 1, totalBytes: 2_000_000 }) })
    act(() => { fake.completeTransfer('t1') })
    const item = screen.getByRole('listitem', { name: 'From Ada' })
    expect(within(item).getByText(/1 file received and verified \(BLAKE3\), saved in/).textContent).toContain('/home/user/Downloads/Ferry')
    await user.click(within(item).getByRole('button', { name: 'Open Trip/beach.jpg' }))
    await user.click(within(item).getByRole('button', { name: 'Show Trip/beach.jpg in its folder' }))
    expect(fake.callsTo('openFile')).toEqual([['/home/user/Downloads/Ferry/Trip/beach.jpg']])
    expect(fake.callsTo('showInFolder')).toEqual([['/home/user/Downloads/Ferry/Trip/beach.jpg']])
  })

  it('says a sent folder was delivered and verified by the receiver, with Show in folder but no Open', async () => {
    const { fake } = await renderFerry(<TransfersScreen />)
    const files = [{ id: 0, path: 'Trip/a.jpg', size: 1, bytesDone: 0, status: 'pending' as const }, { id: 1, path: 'Trip/b.jpg', size: 1, bytesDone: 0, status: 'pending' as const }]
    act(() => { fake.startTransfer({ id: 't1', peer: ada, files, fileCount: 2, totalBytes: 2 }) })
    act(() => { fake.completeTransfer('t1') })
    const item = screen.getByRole('listitem', { name: 'To Ada' })
    expect(within(item).getByText(/2 files delivered: Ada verified every one/)).toBeTruthy()
    expect(within(item).queryByRole('button', { name: /^Open/ })).toBeNull()
    expect(within(item).getByRole('button', { name: 'Show Trip/a.jpg in its folder' })).toBeTruthy()
  })

  it('finds the folder a transfer went into from a file’s local and relative paths', () => {
    expect(baseFolder({ path: 'Trip/a.jpg', localPath: '/dl/Trip/a.jpg' })).toBe('/dl')
    expect(baseFolder({ path: 'a.jpg', localPath: '/dl/a (1).jpg' })).toBe('/dl')
    expect(baseFolder({ path: 'a.jpg', localPath: 'C:\\Users\\ada\\Downloads\\a.jpg' })).toBe('C:\\Users\\ada\\Downloads')
    expect(baseFolder({ path: 'a.jpg', localPath: '/a.jpg' })).toBe('/')
    expect(baseFolder({ path: 'a.jpg' })).toBeUndefined()
  })

  it('offers "Send again" for a failed message, never "Resume"', async () => {
    const { fake } = await renderFerry(<TransfersScreen />, { transfers: [fakeTransfer({ id: 't1', peer: ada, files: [], fileCount: 0, totalBytes: 0, text: 'wifi: ferryboat' })] })
    act(() => { fake.failTransfer('t1', fakeError('FERRY_ERR_UNREACHABLE')) })
    expect(screen.getByRole('button', { name: 'Send again' })).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Resume' })).toBeNull()
  })

  it('never shows "0 B" for a message, in History or in an offer', async () => {
    await renderFerry(<HistoryScreen />, { history: [fakeHistoryEntry({ files: [], totalBytes: 0, text: 'wifi: ferryboat' })] })
    expect(screen.queryByText(/0 B/)).toBeNull()
    expect(screen.getByText(/· Message$/)).toBeTruthy()
  })

  it('never shows "0 B" in a message offer', async () => {
    const { fake } = await renderFerry(<App />)
    act(() => { fake.emitOffer(fakeOffer({ files: [], totalBytes: 0, text: 'wifi: ferryboat' })) })
    expect(within(screen.getByRole('dialog')).queryByText('0 B')).toBeNull()
  })
})

describe('what only grew can be cleared, and who cancelled is said (issue 15)', () => {
  it('dismisses one finished transfer, or all of them with "Clear finished", never a running one', async () => {
    const { fake, user } = await renderFerry(<TransfersScreen />, {
      transfers: [fakeTransfer({ id: 'run', peer: ada }), fakeTransfer({ id: 'done', peer: ada, status: 'completed', direction: 'receive' }), fakeTransfer({ id: 'no', peer: ada, status: 'declined' })]
    })
    await user.click(screen.getByRole('button', { name: 'Dismiss from Ada' }))
    expect(fake.callsTo('dismissTransfers')).toEqual([[['done']]])
    expect(screen.queryByRole('listitem', { name: 'From Ada' })).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Clear finished (1)' }))
    expect(screen.getAllByRole('listitem', { name: 'To Ada' })).toHaveLength(1)
    expect(screen.getByText('Transferring')).toBeTruthy()
  })

  it('says who cancelled: you, or the other side by name', async () => {
    await renderFerry(<TransfersScreen />, {
      transfers: [fakeTransfer({ id: 'a', peer: ada, status: 'cancelled', cancelledBy: 'peer' }), fakeTransfer({ id: 'b', direction: 'receive', peer: ada, status: 'cancelled', cancelledBy: 'here' })]
    })
    expect(screen.getByText('Cancelled by Ada')).toBeTruthy()
    expect(screen.getByText('Cancelled by you')).toBeTruthy()
  })

  it('removes one history entry, and clears all of them only after asking', async () => {
    const { fake, user } = await renderFerry(<HistoryScreen />, { history: [fakeHistoryEntry({ id: 'h1' }), fakeHistoryEntry({ id: 'h2', direction: 'sent', peer: ada })] })
    await user.click(screen.getByRole('button', { name: 'Remove “Sent to Ada” from History' }))
    expect(fake.callsTo('clearHistory')).toEqual([[['h2']]])
    expect(screen.getAllByRole('listitem').filter((li) => li.className.startsWith('history'))).toHaveLength(1)
    await user.click(screen.getByRole('button', { name: 'Clear history' }))
    expect(fake.callsTo('clearHistory')).toHaveLength(1)
    await user.click(screen.getByRole('button', { name: 'Yes, clear' }))
    expect(fake.callsTo('clearHistory')[1]).toEqual([null])
    expect(screen.getByText('Nothing here yet')).toBeTruthy()
  })

  it('says when a message\'s text leaves History, and that it left', async () => {
    const expiresAt = new Date(2026, 0, 2, 9, 30).getTime()
    await renderFerry(<HistoryScreen />, {
      history: [fakeHistoryEntry({ id: 'h1', files: [], totalBytes: 0, text: 'wifi: ferryboat', textExpiresAt: expiresAt }), fakeHistoryEntry({ id: 'h2', files: [], totalBytes: 0, textRemoved: true })]
    })
    expect(screen.getByText(/^This message’s text leaves History on /).textContent).toContain(new Date(expiresAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }))
    expect(screen.getByText('The text of this message was deleted from History.')).toBeTruthy()
  })

  it('removes an offline device after asking', async () => {
    const gone = fakePeer({ id: '12D3KooWGoneGoneGoneGoneGoneGoneGoneGoneGoneGone1', alias: 'Old laptop', online: false })
    const { fake, user } = await renderFerry(<NearbyScreen />, { peers: [gone, fakePeer({ alias: 'Here', online: true })] })
    expect(within(screen.getByRole('article', { name: 'Here' })).queryByRole('button', { name: 'Remove' })).toBeNull()
    const card = screen.getByRole('article', { name: 'Old laptop' })
    await user.click(within(card).getByRole('button', { name: 'Remove' }))
    await user.click(within(card).getByRole('button', { name: 'Yes, remove' }))
    expect(fake.callsTo('removePeer')).toEqual([[gone.id]])
    expect(screen.queryByRole('article', { name: 'Old laptop' })).toBeNull()
  })
})
