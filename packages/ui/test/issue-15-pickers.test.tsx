// @vitest-environment jsdom
// Issue 15: in the browser UI nobody could pick or drop a file: "Send files…" opened a box for typing absolute paths,
// a drop asked for the path, and the share dialog's and Settings' choosers failed with "This isn't possible here".
// Now a host without a native dialog gets the UI's own browser of its folders (listFolder), and a browser's drop is
// copied to the host first (stageDrops), folders too.

import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import type { FolderEntry } from '@ferry/api'
import { fakePeer } from '@ferry/api/testing'
import type { DroppedItem } from '../src/app/dropped-items.ts'
import { App } from '../src/app/App.tsx'
import { NearbyScreen } from '../src/screens/NearbyScreen.tsx'
import { SettingsScreen } from '../src/screens/SettingsScreen.tsx'
import { SharesScreen } from '../src/screens/SharesScreen.tsx'
import { renderFerry, useFerryCleanup, type Rendered } from './helpers/render-ferry.tsx'

useFerryCleanup()

const bob = fakePeer({ id: '12D3KooWBobBobBobBobBobBobBobBobBobBobBobBobBob11', alias: 'Bob', trust: 'known' })
const unsupported = { name: 'UnsupportedError', code: 'FERRY_ERR_API_UNSUPPORTED', message: 'no native dialog' }
const file = (name: string, size = 1_200): FolderEntry => ({ name, kind: 'file', size, modifiedAt: 0 })
const folder = (name: string): FolderEntry => ({ name, kind: 'folder' })

/** A `ferry ui` host: no native dialog, a small disk to browse. */
function browserHost (r: Rendered): void {
  r.fake.failNext('pickFiles', unsupported)
  r.fake.failNext('pickFolder', unsupported)
  r.fake.disk = {
    '/home/user': [folder('Pictures'), folder('Documents'), { ...file('.bashrc'), hidden: true }, file('notes.txt', 5_000)],
    '/home/user/Pictures': [folder('Trip'), file('cat.jpg', 2_000_000), file('dog.jpg', 3_000_000)],
    '/home/user/Pictures/Trip': [file('beach.jpg')],
    '/home/user/Documents': []
  }
}

/** Holds the browser's first listFolder call until `release()`; counts the calls. */
function holdFirstListing (r: Rendered): { release: () => void, calls: () => number } {
  const list = r.fake.listFolder.bind(r.fake)
  let release = (): void => {}
  const held = new Promise<void>((resolve) => { release = resolve })
  let calls = 0
  vi.spyOn(r.fake, 'listFolder').mockImplementation(async (path, options) => {
    calls += 1
    if (calls === 1) await held
    return await list(path, options)
  })
  return { release: () => { release() }, calls: () => calls }
}

describe('choosing files in the browser UI (issue 15)', () => {
  it('"Send files…" opens the host\'s folders: open a folder, tick files, send them, no path typed', async () => {
    const r = await renderFerry(<NearbyScreen />, { peers: [bob] })
    browserHost(r)
    await r.user.click(within(screen.getByRole('article', { name: 'Bob' })).getByRole('button', { name: 'Send files…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Send files to Bob' })
    expect(within(dialog).queryByText('.bashrc')).toBeNull()
    await r.user.click(within(dialog).getByRole('button', { name: 'Open folder Pictures' }))
    await r.user.click(await within(dialog).findByRole('checkbox', { name: 'cat.jpg' }))
    await r.user.click(within(dialog).getByRole('checkbox', { name: 'dog.jpg' }))
    expect(within(dialog).getByRole('status').textContent).toBe('2 files chosen')
    await r.user.click(within(dialog).getByRole('button', { name: 'Choose 2 files' }))
    expect(r.fake.callsTo('sendFiles')).toEqual([[bob.id, ['/home/user/Pictures/cat.jpg', '/home/user/Pictures/dog.jpg']]])
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('"Send folder…" chooses the folder shown, goes Up and to places, and starts where the last choice ended', async () => {
    const r = await renderFerry(<NearbyScreen />, { peers: [bob] })
    browserHost(r)
    await r.user.click(within(screen.getByRole('article', { name: 'Bob' })).getByRole('button', { name: 'Send folder…' }))
    let dialog = await screen.findByRole('dialog', { name: 'Send a folder to Bob' })
    await r.user.click(within(dialog).getByRole('button', { name: 'Documents' }))
    await within(dialog).findByText('This folder is empty.')
    await r.user.click(within(dialog).getByRole('button', { name: 'Up to the folder above' }))
    await r.user.click(await within(dialog).findByRole('button', { name: 'Open folder Pictures' }))
    await r.user.click(await within(dialog).findByRole('button', { name: 'Open folder Trip' }))
    await r.user.click(await within(dialog).findByRole('button', { name: 'Choose “Trip”' }))
    expect(r.fake.callsTo('sendFiles')).toEqual([[bob.id, ['/home/user/Pictures/Trip']]])

    r.fake.failNext('pickFolder', unsupported)
    await r.user.click(within(screen.getByRole('article', { name: 'Bob' })).getByRole('button', { name: 'Send folder…' }))
    dialog = await screen.findByRole('dialog', { name: 'Send a folder to Bob' })
    expect(await within(dialog).findByRole('button', { name: 'Choose “Trip”' })).toBeTruthy()
    await r.user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(r.fake.callsTo('sendFiles')).toHaveLength(1)
  })

  it('shows hidden files on request, and a folder it cannot list in words', async () => {
    const r = await renderFerry(<NearbyScreen />, { peers: [bob] })
    browserHost(r)
    await r.user.click(within(screen.getByRole('article', { name: 'Bob' })).getByRole('button', { name: 'Send files…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Send files to Bob' })
    await r.user.click(await within(dialog).findByRole('checkbox', { name: /^Show hidden files/ }))
    expect(within(dialog).getByRole('checkbox', { name: '.bashrc' })).toBeTruthy()
    r.fake.failNext('listFolder', { name: 'UnreadableError', code: 'FERRY_ERR_API_UNREADABLE', message: 'EACCES' })
    await r.user.click(within(dialog).getByRole('button', { name: 'Open folder Pictures' }))
    expect((await within(dialog).findByRole('alert')).textContent).toMatch(/may not open that folder/)
  })

  it('keeps a folder typed while the first listing is on its way, and shows the folder Go asked for, not the late one', async () => {
    const r = await renderFerry(<NearbyScreen />, { peers: [bob] })
    browserHost(r)
    const first = holdFirstListing(r)
    await r.user.click(within(screen.getByRole('article', { name: 'Bob' })).getByRole('button', { name: 'Send files…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Send files to Bob' })
    const path = within(dialog).getByRole('textbox', { name: 'Folder' })
    await r.user.type(path, '/home/user/Pictures')
    await r.user.click(within(dialog).getByRole('button', { name: 'Go' }))
    expect(await within(dialog).findByRole('checkbox', { name: 'cat.jpg' })).toBeTruthy()
    await act(async () => { first.release() })
    await waitFor(() => { expect(first.calls()).toBe(2) })
    expect(path).toHaveProperty('value', '/home/user/Pictures')
    expect(within(dialog).getByRole('checkbox', { name: 'cat.jpg' })).toBeTruthy()
    expect(within(dialog).queryByRole('checkbox', { name: 'notes.txt' })).toBeNull()
  })

  it('leaves the folder box to the user once they are in it: a first listing that lands before the first key is not typed into', async () => {
    const r = await renderFerry(<NearbyScreen />, { peers: [bob] })
    browserHost(r)
    const first = holdFirstListing(r)
    await r.user.click(within(screen.getByRole('article', { name: 'Bob' })).getByRole('button', { name: 'Send files…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Send files to Bob' })
    const path = within(dialog).getByRole('textbox', { name: 'Folder' })
    await r.user.click(path)
    // The first listing (home) lands while the user is in the box, before any key.
    await act(async () => { first.release() })
    expect(await within(dialog).findByRole('checkbox', { name: 'notes.txt' })).toBeTruthy()
    await r.user.keyboard('/home/user/Pictures')
    expect(path).toHaveProperty('value', '/home/user/Pictures')
    await r.user.click(within(dialog).getByRole('button', { name: 'Go' }))
    expect(await within(dialog).findByRole('checkbox', { name: 'cat.jpg' })).toBeTruthy()
  })

  it('adds files and a folder to a share link from the browser, and Settings chooses the download folder there too', async () => {
    const r = await renderFerry(<SharesScreen />)
    browserHost(r)
    await r.user.click(screen.getByRole('button', { name: 'New share link…' }))
    const form = screen.getByRole('dialog', { name: 'Share files with a link' })
    await r.user.click(within(form).getByRole('button', { name: 'Add files…' }))
    const browse = await screen.findByRole('dialog', { name: 'Share files' })
    await r.user.click(await within(browse).findByRole('checkbox', { name: 'notes.txt' }))
    await r.user.click(within(browse).getByRole('button', { name: 'Choose file' }))
    await r.user.click(within(form).getByRole('button', { name: 'Add folder…' }))
    const browseFolder = await screen.findByRole('dialog', { name: 'Share a folder' })
    await r.user.click(await within(browseFolder).findByRole('button', { name: 'Open folder Pictures' }))
    await r.user.click(await within(browseFolder).findByRole('button', { name: 'Choose “Pictures”' }))
    expect(within(form).getByText('notes.txt')).toBeTruthy()
    expect(within(form).getByText('Pictures')).toBeTruthy()
    expect(within(form).queryByRole('alert')).toBeNull()
    await r.user.click(within(form).getByRole('button', { name: 'Create link' }))
    expect(r.fake.callsTo('createShare')).toEqual([[{ paths: ['/home/user/notes.txt', '/home/user/Pictures'], pin: true, expiresInMs: 3_600_000, allowUpload: false }]])
  })

  it('lets Settings choose the download folder in the browser', async () => {
    const r = await renderFerry(<SettingsScreen />)
    browserHost(r)
    await r.user.click(screen.getByRole('button', { name: 'Choose…' }))
    const browse = await screen.findByRole('dialog', { name: 'Choose the download folder' })
    await r.user.click(await within(browse).findByRole('button', { name: 'Open folder Documents' }))
    await r.user.click(await within(browse).findByRole('button', { name: 'Choose “Documents”' }))
    expect(screen.getByRole('textbox', { name: 'Download folder' })).toHaveProperty('value', '/home/user/Documents')
  })
})

describe('dropping files in the browser UI (issue 15)', () => {
  const dataTransfer = (files: File[]): object => ({ files, items: files.map((f) => ({ kind: 'file', getAsFile: () => f })), types: ['Files'], dropEffect: 'none' })

  it('copies files dropped on a device card to the host, saying how far, then sends the copies', async () => {
    let report: ((p: { bytesDone: number, totalBytes: number }) => void) | undefined
    let finish: ((paths: string[]) => void) | undefined
    const stageDrops = vi.fn(async (items: readonly DroppedItem[], options?: { onProgress?: (p: { bytesDone: number, totalBytes: number }) => void }) => {
      report = options?.onProgress
      return await new Promise<string[]>((resolve) => { finish = resolve })
    })
    const r = await renderFerry(<NearbyScreen />, { peers: [bob], stageDrops })
    const card = screen.getByRole('article', { name: 'Bob' })
    const drop = dataTransfer([new File(['x'.repeat(10)], 'a.txt'), new File(['y'], 'b.txt')])
    fireEvent.dragEnter(card, { dataTransfer: drop })
    fireEvent.drop(card, { dataTransfer: drop })
    await waitFor(() => { expect(stageDrops).toHaveBeenCalledOnce() })
    expect(stageDrops.mock.calls[0]?.[0].map((i) => [i.path, i.file.size])).toEqual([['a.txt', 10], ['b.txt', 1]])
    act(() => { report?.({ bytesDone: 5, totalBytes: 11 }) })
    expect(within(card).getByRole('status').textContent).toBe('Copying the dropped files for Bob: 5 B of 11 B…')
    await act(async () => { finish?.(['/cfg/ui-drops/x/a.txt', '/cfg/ui-drops/x/b.txt']) })
    await waitFor(() => { expect(r.fake.callsTo('sendFiles')).toEqual([[bob.id, ['/cfg/ui-drops/x/a.txt', '/cfg/ui-drops/x/b.txt']]]) })
    expect(within(card).getByRole('status').textContent).toMatch(/^Offered 2 files to Bob/)
  })

  it('adds files dropped into the share dialog as copies on the host', async () => {
    const stageDrops = vi.fn(async (items: readonly DroppedItem[]) => items.map((i) => `/cfg/ui-drops/y/${i.path}`))
    const r = await renderFerry(<SharesScreen />, { stageDrops })
    await r.user.click(screen.getByRole('button', { name: 'New share link…' }))
    const form = screen.getByRole('dialog', { name: 'Share files with a link' })
    const zone = within(form).getByRole('group', { name: 'What to share' })
    const drop = dataTransfer([new File(['z'], 'photo.jpg')])
    fireEvent.dragEnter(zone, { dataTransfer: drop })
    fireEvent.drop(zone, { dataTransfer: drop })
    expect(await within(form).findByText('photo.jpg')).toBeTruthy()
    await r.user.click(within(form).getByRole('button', { name: 'Create link' }))
    expect(r.fake.callsTo('createShare')[0]).toEqual([expect.objectContaining({ paths: ['/cfg/ui-drops/y/photo.jpg'] })])
  })

  it('says in words when a drop is more than the host copies', async () => {
    const stageDrops = vi.fn(async () => { throw Object.assign(new Error('too big'), { code: 'FERRY_ERR_API_DROP_TOO_LARGE' }) })
    await renderFerry(<App />, { peers: [bob], stageDrops })
    const card = screen.getByRole('article', { name: 'Bob' })
    const drop = dataTransfer([new File(['x'], 'movie.mkv')])
    fireEvent.dragEnter(card, { dataTransfer: drop })
    fireEvent.drop(card, { dataTransfer: drop })
    const notices = screen.getByRole('region', { name: 'Notifications' })
    await waitFor(() => { expect(notices.textContent).toMatch(/Send to Bob: That’s more than Ferry copies from a drop/) })
  })
})

describe('what a browser drop holds (issue 15)', () => {
  interface FakeEntry { isFile: boolean, isDirectory: boolean, name: string, file?: (ok: (f: File) => void) => void, createReader?: () => { readEntries: (ok: (e: FakeEntry[]) => void) => void } }
  const fileEntry = (name: string, bytes = 'x'): FakeEntry => ({ isFile: true, isDirectory: false, name, file: (ok) => { ok(new File([bytes], name)) } })
  const dirEntry = (name: string, children: FakeEntry[]): FakeEntry => ({
    isFile: false, isDirectory: true, name,
    // Chromium answers readEntries in pieces until an empty one.
    createReader: () => { const left = [children.slice(0, 1), children.slice(1), []]; return { readEntries: (ok) => { ok(left.shift() ?? []) } } }
  })

  it('walks dropped folders, keeping each file\'s path inside them', async () => {
    const { readDropped } = await import('../src/app/dropped-items.ts')
    const items = [dirEntry('Trip', [fileEntry('a.jpg'), dirEntry('day 2', [fileEntry('b.jpg', 'bb')])]), fileEntry('notes.txt')]
      .map((entry) => ({ webkitGetAsEntry: () => entry }))
    const dropped = await readDropped({ items: items as unknown as DataTransferItemList, files: [] as unknown as FileList })
    expect(dropped.map((d) => [d.path, d.file.size])).toEqual([['Trip/a.jpg', 1], ['Trip/day 2/b.jpg', 2], ['notes.txt', 1]])
  })
})
