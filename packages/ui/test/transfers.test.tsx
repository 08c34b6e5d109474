// @vitest-environment jsdom
// The transfers screen shows what the engine reports: progress per transfer and per file, speed and time left,
// and failures in words; its buttons ask the engine to cancel or retry.

import { act, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fakeError, fakePeer, fakeTransfer, partyOf } from '@ferry/api/testing'
import { TransfersScreen } from '../src/screens/TransfersScreen.tsx'
import { renderFerry, useFerryCleanup } from './helpers/render-ferry.tsx'

useFerryCleanup()

const ada = partyOf(fakePeer({ alias: 'Ada’s laptop' }))
const twoFiles = [
  { id: 0, path: 'a.bin', size: 6_000_000, bytesDone: 0, status: 'pending' as const },
  { id: 1, path: 'b.bin', size: 4_000_000, bytesDone: 0, status: 'pending' as const }
]

describe('the transfers screen', () => {
  it('says what will appear here while there is nothing', async () => {
    await renderFerry(<TransfersScreen />)
    expect(screen.getByText('No transfers yet')).toBeTruthy()
  })

  it('moves the progress bars, speed and time left as the engine reports progress', async () => {
    const { fake } = await renderFerry(<TransfersScreen />)
    act(() => { fake.startTransfer({ id: 't1', peer: ada, files: twoFiles, fileCount: 2, totalBytes: 10_000_000, status: 'waiting' }) })
    const item = screen.getByRole('listitem', { name: 'To Ada’s laptop' })
    expect(within(item).getByText('Waiting for the other device')).toBeTruthy()

    act(() => { fake.progress('t1', 7_000_000, { rate: 2_500_000, etaSeconds: 2, files: [{ id: 0, bytesDone: 6_000_000, status: 'done' }, { id: 1, bytesDone: 1_000_000, status: 'running' }] }) })
    const bars = within(item).getAllByRole('progressbar')
    expect(bars.map((bar) => (bar as HTMLProgressElement).value)).toEqual([7_000_000, 6_000_000, 1_000_000])
    expect(within(item).getByText(/7\.0 MB of 10\.0 MB/).textContent).toContain('2.5 MB/s · 2 s left')

    act(() => { fake.completeTransfer('t1') })
    expect(within(item).getByText('Done')).toBeTruthy()
    expect((within(item).getAllByRole('progressbar')[0] as HTMLProgressElement).value).toBe(10_000_000)
  })

  it('cancel calls cancelTransfer for that transfer', async () => {
    const { fake, user } = await renderFerry(<TransfersScreen />, { transfers: [fakeTransfer({ id: 't1', peer: ada })] })
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(fake.callsTo('cancelTransfer')).toEqual([['t1']])
    expect(screen.getByText('Cancelled')).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull()
  })

  it('shows a failure in words, not its code, and Resume asks the engine to retry', async () => {
    const { fake, user } = await renderFerry(<TransfersScreen />, { transfers: [fakeTransfer({ id: 't1', peer: ada })] })
    act(() => { fake.failTransfer('t1', fakeError('FERRY_ERR_CONNECTION_LOST', 'stream reset')) })
    expect(screen.getByText(/connection to the other device was lost/)).toBeTruthy()
    expect(screen.queryByText(/FERRY_ERR_/)).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Resume' }))
    expect(fake.callsTo('retryTransfer')).toEqual([['t1']])
    expect(screen.getByText('Waiting for the other device')).toBeTruthy()
  })

  it('says a send is reconnecting by itself after its connection broke', async () => {
    await renderFerry(<TransfersScreen />, {
      transfers: [fakeTransfer({ id: 't1', peer: ada, status: 'running', reconnecting: { attempt: 2, of: 5, at: 0 } })]
    })
    const item = screen.getByRole('listitem', { name: 'To Ada’s laptop' })
    expect(within(item).getByRole('status').textContent).toMatch(/connection was lost\. Ferry reconnects by itself \(attempt 2 of 5\)/)
    expect(within(item).getByRole('button', { name: 'Cancel' })).toBeTruthy()
  })

  it('says how much a resumed transfer did not have to send again', async () => {
    await renderFerry(<TransfersScreen />, {
      transfers: [fakeTransfer({ id: 't1', peer: ada, status: 'completed', bytesDone: 10_000_000, totalBytes: 10_000_000, bytesResumed: 6_000_000 })]
    })
    const item = screen.getByRole('listitem', { name: 'To Ada’s laptop' })
    expect(within(item).getByText(/Resumed: 6(\.0)? MB were already on the other device, so only 4(\.0)? MB crossed again/)).toBeTruthy()
  })

  it('says it is still estimating instead of an absurd time left while a transfer stalls', async () => {
    await renderFerry(<TransfersScreen />, {
      transfers: [fakeTransfer({ id: 't1', peer: ada, status: 'running', bytesDone: 1_000, totalBytes: 10_000_000, rate: 0, etaSeconds: 2_597_880_000 })]
    })
    expect(screen.getByText(/estimating…/)).toBeTruthy()
    expect(screen.queryByText(/\d+ h/)).toBeNull()
  })

  it('offers Resume after the sender gave up reconnecting to a device that stayed away', async () => {
    const { fake } = await renderFerry(<TransfersScreen />, { transfers: [fakeTransfer({ id: 't1', peer: ada })] })
    act(() => { fake.failTransfer('t1', fakeError('FERRY_ERR_UNREACHABLE')) })
    expect(screen.getByRole('button', { name: 'Resume' })).toBeTruthy()
  })

  it('offers Retry (not Resume) after a damaged file, and nothing for a failure the receiver cannot retry', async () => {
    const { fake } = await renderFerry(<TransfersScreen />, {
      transfers: [fakeTransfer({ id: 'sent', peer: ada }), fakeTransfer({ id: 'got', direction: 'receive', peer: ada })]
    })
    act(() => {
      fake.failTransfer('sent', fakeError('FERRY_ERR_HASH_MISMATCH'))
      fake.failTransfer('got', fakeError('FERRY_ERR_DISK'))
    })
    expect(screen.getByText(/arrived damaged/)).toBeTruthy()
    expect(screen.getByText(/couldn’t be written to disk/)).toBeTruthy()
    expect(screen.getAllByRole('button', { name: 'Retry' })).toHaveLength(1)
  })

  it('lists at most 50 files of a huge transfer and counts the rest', async () => {
    const files = Array.from({ length: 10_000 }, (_, id) => ({ id, path: `f${id}`, size: 1, bytesDone: 0, status: 'pending' as const }))
    await renderFerry(<TransfersScreen />, { transfers: [fakeTransfer({ files, fileCount: 10_000, totalBytes: 10_000, peer: ada })] })
    expect(screen.getByText('and 9950 more')).toBeTruthy()
  })
})
