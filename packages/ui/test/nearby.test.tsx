// @vitest-environment jsdom
// Nearby devices: who is there, and every way of sending to one (drop, pick, text) reaches the engine with paths.

import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { fakePeer } from '@ferry/api/testing'
import { NearbyScreen } from '../src/screens/NearbyScreen.tsx'
import { renderFerry, useFerryCleanup } from './helpers/render-ferry.tsx'

useFerryCleanup()

const ada = fakePeer({ id: '12D3KooWAdaAdaAdaAdaAdaAdaAdaAdaAdaAdaAdaAdaAda11', alias: 'Ada’s laptop', shortCode: 'K7Q2-9MXD', trust: 'trusted' })
const card = (name: string): HTMLElement => screen.getByRole('article', { name })

function dropFiles (target: HTMLElement, files: File[]): void {
  const dataTransfer = { files, types: ['Files'], dropEffect: 'none' }
  fireEvent.dragEnter(target, { dataTransfer })
  fireEvent.dragOver(target, { dataTransfer })
  fireEvent.drop(target, { dataTransfer })
}

describe('the nearby devices screen', () => {
  it('explains how devices appear and how to add one when none is found', async () => {
    await renderFerry(<NearbyScreen />)
    expect(screen.getByText('No devices found yet')).toBeTruthy()
    expect(screen.getByText(/type the address it shows/)).toBeTruthy()
  })

  it('shows each device with its kind, short code, trust and presence', async () => {
    await renderFerry(<NearbyScreen />, { peers: [ada, fakePeer({ id: 'p2', alias: 'nas', deviceType: 'server', trust: 'unknown', online: false, identityChanged: true })] })
    const laptop = card('Ada’s laptop')
    expect(within(laptop).getByRole('img', { name: 'Laptop' })).toBeTruthy()
    expect(within(laptop).getByText('K7Q2-9MXD')).toBeTruthy()
    expect(within(laptop).getByText('Trusted')).toBeTruthy()
    expect(within(laptop).getByText('Online')).toBeTruthy()
    const nas = card('nas')
    expect(within(nas).getByText('New device')).toBeTruthy()
    expect(within(nas).getByText('Offline')).toBeTruthy()
    expect(within(nas).getByRole('note').textContent).toMatch(/different identity/)
    expect(within(nas).getByRole('button', { name: 'Trust new identity' })).toBeTruthy()
  })

  it('marks a LocalSend device with the model it names and says quietly what LocalSend lacks; a Ferry device has neither (issue 18)', async () => {
    await renderFerry(<NearbyScreen />, { peers: [ada, fakePeer({ id: 'localsend:37BE22F102C0FC67', alias: 'Pixel 8', deviceType: 'phone', model: 'Google \u202EPixel', trust: 'unknown' })] })
    const phone = card('Pixel 8')
    expect(within(phone).getByText('LocalSend')).toBeTruthy()
    // The model it names, with a reordering character made visible like any string from another device.
    expect(within(phone).getByText('Google [U+202E]Pixel')).toBeTruthy()
    expect(within(phone).getByText(/do not resume.*SHA-256.*rather than BLAKE3/)).toBeTruthy()
    expect(within(card('Ada’s laptop')).queryByText('LocalSend')).toBeNull()
    expect(within(card('Ada’s laptop')).queryByText(/SHA-256/)).toBeNull()
  })

  it('sends the files picked with "Send files…"', async () => {
    const { fake, user } = await renderFerry(<NearbyScreen />, { peers: [ada] })
    fake.pickFilesResult = ['/home/me/a.txt', '/home/me/b.txt']
    await user.click(within(card('Ada’s laptop')).getByRole('button', { name: 'Send files…' }))
    expect(fake.callsTo('sendFiles')).toEqual([[ada.id, ['/home/me/a.txt', '/home/me/b.txt']]])
    expect(within(card('Ada’s laptop')).getByRole('status').textContent).toMatch(/Offered 2 files to Ada’s laptop: waiting for Ada’s laptop to accept/)
  })

  it('sends nothing when the file picker is dismissed', async () => {
    const { fake, user } = await renderFerry(<NearbyScreen />, { peers: [ada] })
    await user.click(within(card('Ada’s laptop')).getByRole('button', { name: 'Send files…' }))
    expect(fake.callsTo('sendFiles')).toEqual([])
  })

  it('sends a folder picked with "Send folder…"', async () => {
    const { fake, user } = await renderFerry(<NearbyScreen />, { peers: [ada] })
    fake.pickFolderResult = '/home/me/album'
    await user.click(within(card('Ada’s laptop')).getByRole('button', { name: 'Send folder…' }))
    expect(fake.callsTo('sendFiles')).toEqual([[ada.id, ['/home/me/album']]])
  })

  it('turns files dropped on a device into paths with the injected drop resolver and sends them', async () => {
    const resolveDrop = vi.fn(async (files: readonly File[]) => files.map((f) => `/dropped/${f.name}`))
    const { fake } = await renderFerry(<NearbyScreen />, { peers: [ada], resolveDrop })
    dropFiles(card('Ada’s laptop'), [new File(['x'], 'photo.jpg')])
    await waitFor(() => { expect(fake.callsTo('sendFiles')).toEqual([[ada.id, ['/dropped/photo.jpg']]]) })
    expect(resolveDrop).toHaveBeenCalledOnce()
  })

  it('falls back to the host’s file picker for a drop when the host cannot resolve paths (the browser)', async () => {
    const { fake } = await renderFerry(<NearbyScreen />, { peers: [ada] })
    fake.pickFilesResult = ['/picked/photo.jpg']
    dropFiles(card('Ada’s laptop'), [new File(['x'], 'photo.jpg')])
    await waitFor(() => { expect(fake.callsTo('sendFiles')).toEqual([[ada.id, ['/picked/photo.jpg']]]) })
    expect(fake.callsTo('pickFiles')).toHaveLength(1)
  })

  it('uses the host’s resolveDroppedFiles hook when it has one (Electron’s webUtils)', async () => {
    const { fake } = await renderFerry(<NearbyScreen />, { peers: [ada] })
    fake.resolveDroppedFiles = async (files) => files.map((f) => f.name === 'web.png' ? '' : `/electron/${f.name}`)
    const { createDropResolver } = await import('../src/app/drop-resolver.ts')
    const paths = await createDropResolver(fake)?.([new File(['x'], 'a.txt'), new File(['y'], 'web.png')])
    expect(paths).toEqual(['/electron/a.txt'])
    expect(fake.callsTo('pickFiles')).toEqual([])
  })

  it('highlights a device while files are dragged over it', async () => {
    await renderFerry(<NearbyScreen />, { peers: [ada] })
    fireEvent.dragEnter(card('Ada’s laptop'), { dataTransfer: { files: [], types: ['Files'] } })
    expect(card('Ada’s laptop').className).toContain('device--drop')
    fireEvent.dragLeave(card('Ada’s laptop'), { dataTransfer: { files: [], types: ['Files'] } })
    expect(card('Ada’s laptop').className).not.toContain('device--drop')
  })

  it('sends a text typed or pasted in "Send text…"', async () => {
    const { fake, user } = await renderFerry(<NearbyScreen />, { peers: [ada] })
    await navigator.clipboard.writeText(' and the code is 1234')
    await user.click(within(card('Ada’s laptop')).getByRole('button', { name: 'Send text…' }))
    const dialog = screen.getByRole('dialog', { name: 'Send text to Ada’s laptop' })
    await user.type(within(dialog).getByRole('textbox', { name: 'Message' }), 'wifi: ferryboat')
    await user.click(within(dialog).getByRole('button', { name: 'Paste' }))
    await user.click(within(dialog).getByRole('button', { name: 'Send' }))
    expect(fake.callsTo('sendText')).toEqual([[ada.id, 'wifi: ferryboat and the code is 1234']])
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('trusts a device and stops trusting it', async () => {
    const { fake, user } = await renderFerry(<NearbyScreen />, { peers: [{ ...ada, trust: 'known' }] })
    await user.click(within(card('Ada’s laptop')).getByRole('button', { name: 'Trust' }))
    expect(fake.callsTo('setTrust')).toEqual([[ada.id, 'trusted']])
    await user.click(within(card('Ada’s laptop')).getByRole('button', { name: 'Stop trusting' }))
    expect(fake.callsTo('setTrust')[1]).toEqual([ada.id, 'known'])
  })
})

describe('the add device dialog', () => {
  it('adds a device by HOST:PORT/ID and closes', async () => {
    const { fake, user } = await renderFerry(<NearbyScreen />)
    await user.click(screen.getByRole('button', { name: 'Add device…' }))
    const input = screen.getByRole('textbox', { name: 'Address or link' })
    expect(document.activeElement).toBe(input)
    await user.type(input, `192.168.1.20:41234/${ada.id}{Enter}`)
    expect(fake.callsTo('addPeerByAddress')).toEqual([[`192.168.1.20:41234/${ada.id}`]])
    await waitFor(() => { expect(screen.queryByRole('dialog')).toBeNull() })
    expect(screen.getByRole('article')).toBeTruthy()
  })

  it('explains an address it cannot read, in words', async () => {
    const { user } = await renderFerry(<NearbyScreen />)
    await user.click(screen.getByRole('button', { name: 'Add device…' }))
    await user.type(screen.getByRole('textbox', { name: 'Address or link' }), 'not an address{Enter}')
    expect(screen.getByRole('alert').textContent).toMatch(/isn’t an address Ferry understands/)
  })

  it('says so when a different device answers than the one named', async () => {
    const { fake, user } = await renderFerry(<NearbyScreen />)
    fake.failNext('addPeerByAddress', { name: 'IdentityMismatchError', code: 'FERRY_ERR_IDENTITY_MISMATCH', message: 'x' })
    await user.click(screen.getByRole('button', { name: 'Add device…' }))
    await user.type(screen.getByRole('textbox', { name: 'Address or link' }), '10.0.0.2:4000{Enter}')
    expect(screen.getByRole('alert').textContent).toMatch(/different device answered/)
  })

  it('says an unreachable device cannot be reached, and drops that error once the address is edited (issue 15)', async () => {
    const { fake, user } = await renderFerry(<NearbyScreen />)
    fake.failNext('addPeerByAddress', { name: 'UnreachableError', code: 'FERRY_ERR_UNREACHABLE', message: 'No Ferry device answered at 10.0.0.9:4000 within 2 s' })
    await user.click(screen.getByRole('button', { name: 'Add device…' }))
    const field = screen.getByRole('textbox', { name: 'Address or link' })
    await user.type(field, '10.0.0.9:4000{Enter}')
    expect(screen.getByRole('alert').textContent).toMatch(/couldn’t reach that device/)
    await user.clear(field)
    await user.type(field, `192.168.1.20:41234/${ada.id}`)
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('closes with Escape and gives focus back to the button that opened it', async () => {
    const { user } = await renderFerry(<NearbyScreen />)
    const opener = screen.getByRole('button', { name: 'Add device…' })
    await user.click(opener)
    expect(screen.getByRole('dialog', { name: 'Add a device' })).toBeTruthy()
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(opener)
  })

  it('keeps Tab inside the dialog', async () => {
    const { user } = await renderFerry(<NearbyScreen />)
    await user.click(screen.getByRole('button', { name: 'Add device…' }))
    const dialog = screen.getByRole('dialog')
    for (let i = 0; i < 6; i++) {
      await user.tab()
      expect(dialog.contains(document.activeElement)).toBe(true)
    }
  })

  it('abandons a slow attempt when closed', async () => {
    const { fake, user } = await renderFerry(<NearbyScreen />)
    let seen: AbortSignal | undefined
    fake.addPeerByAddress = async (_text, options) => {
      seen = options?.signal
      return await new Promise(() => {})
    }
    await user.click(screen.getByRole('button', { name: 'Add device…' }))
    await user.type(screen.getByRole('textbox', { name: 'Address or link' }), '10.0.0.2:4000{Enter}')
    expect(screen.getByRole('button', { name: 'Connecting…' })).toBeTruthy()
    await act(async () => { await user.keyboard('{Escape}') })
    expect(seen?.aborted).toBe(true)
  })
})
