// @vitest-environment jsdom
// Issue 15: a name or path from another device is shown in the order it is stored. A right-to-left override
// (U+202E) in "photo\u202Egpj.exe" would make a program read as "photoexe.jpg"; it is shown as a visible [U+202E]
// wherever the UI shows a device's name or a file's path. Messages are isolated (<bdi>) from the text around them.

import { act, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fakeHistoryEntry, fakeOffer, fakePeer, partyOf } from '@ferry/api/testing'
import { peerText } from '../src/format.ts'
import { HistoryScreen } from '../src/screens/HistoryScreen.tsx'
import { NearbyScreen } from '../src/screens/NearbyScreen.tsx'
import { renderFerry, useFerryCleanup } from './helpers/render-ferry.tsx'

useFerryCleanup()

const RLO = '\u202E'
const trick = fakePeer({ alias: `Ada${RLO}pot`, shortCode: 'K7Q2-9MXD' })
const noRawControls = (text: string | null | undefined): void => { expect(text ?? '').not.toMatch(/[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/) }

describe('strings from other devices (issue 15)', () => {
  it('turn every reordering or invisible character into a visible code point, and leave others alone', () => {
    expect(peerText(`photo${RLO}gpj.exe`)).toBe('photo[U+202E]gpj.exe')
    expect(peerText('a\u2066b\u2069c\u200Bd\uFEFF')).toBe('a[U+2066]b[U+2069]c[U+200B]d[U+FEFF]')
    expect(peerText('Ada’s laptop — 日本語 عربي')).toBe('Ada’s laptop — 日本語 عربي')
  })

  it('show as stored in the offer dialog: the sender’s name and each file path', async () => {
    const { fake } = await renderFerry(undefined, { peers: [trick] })
    act(() => { fake.emitOffer(fakeOffer({ from: partyOf(trick), files: [{ id: 0, path: `photo${RLO}gpj.exe`, size: 10 }], totalBytes: 10, text: `hi${RLO}there` })) })
    const dialog = screen.getByRole('dialog', { name: 'Ada[U+202E]pot wants to send you 1 file' })
    expect(within(dialog).getByText('photo[U+202E]gpj.exe')).toBeTruthy()
    noRawControls(within(dialog).getByRole('heading').textContent)
    expect(dialog.querySelector('.message bdi')?.textContent).toBe(`hi${RLO}there`)
  })

  it('show as stored on a device card', async () => {
    await renderFerry(<NearbyScreen />, { peers: [trick] })
    noRawControls(screen.getByRole('article').textContent)
    expect(screen.getByRole('article', { name: /Ada\[U\+202E\]pot/ })).toBeTruthy()
  })

  it('show as stored in the history, including the Open and Show buttons’ names', async () => {
    await renderFerry(<HistoryScreen />, { history: [fakeHistoryEntry({ peer: partyOf(trick), files: [{ path: `photo${RLO}gpj.exe`, size: 10, localPath: `/d/photo${RLO}gpj.exe` }] })] })
    noRawControls(screen.getByRole('heading', { level: 3 }).textContent)
    expect(screen.getByText('photo[U+202E]gpj.exe')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Open photo[U+202E]gpj.exe' })).toBeTruthy()
  })
})
