// @vitest-environment jsdom
// Issue 15: a finished transfer had no next step (no Open, no Show in folder, no word of where the files went, no
// verified mark), a failed text offered "Resume", and texts showed "0 B".

import { act, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fakeError, fakeHistoryEntry, fakeOffer, fakePeer, fakeTransfer, partyOf } from '@ferry/api/testing'
import { App } from '../src/app/App.tsx'
import { HistoryScreen } from '../src/screens/HistoryScreen.tsx'
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
