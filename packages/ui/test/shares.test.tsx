// @vitest-environment jsdom
// Share links: the dialog asks the engine for a link with the chosen options and shows what a visitor needs
// (link, QR code, PIN); the download log and revocation follow the engine.

import { act, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fakeShare } from '@ferry/api/testing'
import { SharesScreen } from '../src/screens/SharesScreen.tsx'
import { renderFerry, useFerryCleanup } from './helpers/render-ferry.tsx'

useFerryCleanup()

describe('the share links screen', () => {
  it('explains share links when there are none', async () => {
    await renderFerry(<SharesScreen />)
    expect(screen.getByText('No share links')).toBeTruthy()
  })

  it('creates a link with the chosen files, PIN, expiry and upload setting, then shows link, PIN and QR code', async () => {
    const { fake, user } = await renderFerry(<SharesScreen />)
    fake.pickFilesResult = ['/home/me/slides.pdf']
    await user.click(screen.getByRole('button', { name: 'New share link…' }))
    const dialog = screen.getByRole('dialog', { name: 'Share files with a link' })
    await user.click(within(dialog).getByRole('button', { name: 'Add files…' }))
    fake.pickFolderResult = '/home/me/album'
    await user.click(within(dialog).getByRole('button', { name: 'Add folder…' }))
    expect(within(dialog).getByText('album')).toBeTruthy()
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Link expires after' }), '1 day')
    await user.click(within(dialog).getByRole('checkbox', { name: /Let visitors upload/ }))
    await user.click(within(dialog).getByRole('button', { name: 'Create link' }))

    expect(fake.callsTo('createShare')).toEqual([[{ paths: ['/home/me/slides.pdf', '/home/me/album'], pin: true, expiresInMs: 86_400_000, allowUpload: true }]])
    const details = screen.getByRole('dialog', { name: 'Share link' })
    const link = within(details).getByRole('textbox', { name: 'Link' }) as HTMLInputElement
    expect(link.value).toMatch(/^http:\/\/192\.168\.1\.10:47000\/s\//)
    expect(within(details).getByText('482 913')).toBeTruthy()
    const qr = await within(details).findByRole('img', { name: /QR code of the share link/ })
    expect(qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/)
    expect(decodeURIComponent(qr.getAttribute('src') ?? '')).toContain('<svg')
  })

  it('needs at least one file before it creates a link', async () => {
    const { user } = await renderFerry(<SharesScreen />)
    await user.click(screen.getByRole('button', { name: 'New share link…' }))
    expect(screen.getByRole('button', { name: 'Create link' })).toHaveProperty('disabled', true)
  })

  it('logs downloads as the engine reports them', async () => {
    const { fake, user } = await renderFerry(<SharesScreen />, { shares: [fakeShare({ id: 's1' })] })
    await user.click(screen.getByRole('button', { name: 'Details and QR code' }))
    const details = screen.getByRole('dialog', { name: 'Share link' })
    expect(within(details).getByText(/No downloads yet/)).toBeTruthy()
    act(() => { fake.recordDownload('s1', { at: 1_700_000_000_000, fileId: 0, path: 'slides.pdf', bytes: 3_000_000, complete: true, remoteAddress: '192.168.1.44' }) })
    expect(within(details).getByText('192.168.1.44')).toBeTruthy()
    expect(screen.getByText(/1 download/)).toBeTruthy()
  })

  it('revokes a link only after asking (issue 15), and keeps it on "Keep"', async () => {
    const { fake, user } = await renderFerry(<SharesScreen />, { shares: [fakeShare({ id: 's1' })] })
    await user.click(screen.getByRole('button', { name: 'Revoke' }))
    expect(fake.callsTo('revokeShare')).toEqual([])
    expect(screen.getByRole('group', { name: /Revoke this link\?/ })).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Keep' }))
    expect(fake.callsTo('revokeShare')).toEqual([])
    await user.click(screen.getByRole('button', { name: 'Revoke' }))
    await user.click(screen.getByRole('button', { name: 'Yes, revoke' }))
    expect(fake.callsTo('revokeShare')).toEqual([['s1']])
    await waitFor(() => { expect(screen.getByText(/^Revoked/)).toBeTruthy() })
    expect(screen.queryByRole('button', { name: 'Revoke' })).toBeNull()
  })

  it('gives every other address of this computer its own Copy button and QR code (issue 15)', async () => {
    const urls = ['http://192.168.1.10:47000/s/tok', 'http://10.8.0.4:47000/s/tok', 'http://127.0.0.1:47000/s/tok']
    const { user } = await renderFerry(<SharesScreen />, { shares: [fakeShare({ id: 's1', urls })] })
    await user.click(screen.getByRole('button', { name: 'Details and QR code' }))
    const details = screen.getByRole('dialog', { name: 'Share link' })
    expect((within(details).getByRole('textbox', { name: 'Link' }) as HTMLInputElement).value).toBe(urls[0])
    const others = within(details).getByRole('region', { name: 'Other addresses of this computer' })
    expect(within(others).getByText(urls[1] as string)).toBeTruthy()
    expect(within(others).getByRole('button', { name: 'Copy the link for 10.8.0.4' })).toBeTruthy()
    await user.click(within(others).getByRole('button', { name: 'Copy the link for 127.0.0.1' }))
    expect(await navigator.clipboard.readText()).toBe(urls[2])
    await user.click(within(others).getByRole('button', { name: 'Show the QR code for 10.8.0.4' }))
    expect(await within(others).findByRole('img', { name: 'QR code of the link for 10.8.0.4' })).toBeTruthy()
  })

  it('closes the dialog with Escape', async () => {
    const { user } = await renderFerry(<SharesScreen />)
    await user.click(screen.getByRole('button', { name: 'New share link…' }))
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).toBeNull()
  })
})
