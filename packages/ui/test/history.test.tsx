// @vitest-environment jsdom
// History: finished transfers with their files, which open or show in their folder on the host.

import { act, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fakeHistoryEntry } from '@ferry/api/testing'
import { HistoryScreen } from '../src/screens/HistoryScreen.tsx'
import { renderFerry, useFerryCleanup } from './helpers/render-ferry.tsx'

useFerryCleanup()

describe('the history screen', () => {
  it('explains itself while empty', async () => {
    await renderFerry(<HistoryScreen />)
    expect(screen.getByText('Nothing here yet')).toBeTruthy()
  })

  it('lists sent and received transfers, newest first', async () => {
    const { fake } = await renderFerry(<HistoryScreen />, { history: [fakeHistoryEntry({ id: 'old', at: 1 })] })
    act(() => { fake.emitHistory(fakeHistoryEntry({ id: 'new', direction: 'sent', at: 2 })) })
    const titles = screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent)
    expect(titles).toEqual(['Sent to Ada’s laptop', 'Received from Ada’s laptop'])
  })

  it('opens a received file and shows it in its folder, by its saved path', async () => {
    const { fake, user } = await renderFerry(<HistoryScreen />, { history: [fakeHistoryEntry()] })
    await user.click(screen.getByRole('button', { name: 'Open photo.jpg' }))
    await user.click(screen.getByRole('button', { name: 'Show photo.jpg in folder' }))
    expect(fake.callsTo('openFile')).toEqual([['/home/user/Downloads/Ferry/photo.jpg']])
    expect(fake.callsTo('showInFolder')).toEqual([['/home/user/Downloads/Ferry/photo.jpg']])
  })

  it('offers only Show in folder for a sent file: Ferry never opens what it sent (issue 15)', async () => {
    await renderFerry(<HistoryScreen />, { history: [fakeHistoryEntry({ direction: 'sent', files: [{ path: 'mine.txt', size: 4, localPath: '/home/user/mine.txt' }] })] })
    expect(screen.queryByRole('button', { name: 'Open mine.txt' })).toBeNull()
    expect(screen.getByRole('button', { name: 'Show mine.txt in folder' })).toBeTruthy()
  })

  it('shows why a transfer failed, in words', async () => {
    await renderFerry(<HistoryScreen />, { history: [fakeHistoryEntry({ status: 'failed', error: { name: 'x', code: 'FERRY_ERR_NO_SPACE', message: 'ENOSPC' } })] })
    const entry = screen.getByText('Failed').closest('li') as HTMLElement
    expect(within(entry).getByText(/enough free disk space/)).toBeTruthy()
  })
})
