// The UI's own file dialog, for a host without a native one (`ferry ui` in a browser): the host's folders as
// FerryApi.listFolder gives them (names, kinds, sizes; never contents). Places to start from, Up, a folder's path to
// go to (typing is possible, never needed), folders to open, files to tick (mode 'files') or the folder shown to
// choose (mode 'folder'). Hidden files only on request.

import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { type FolderEntry, type FolderListing, toErrorDto } from '@ferry/api'
import { useFerry } from '../app/ferry-context.tsx'
import { Dialog } from '../components/Dialog.tsx'
import { formatBytes, plural } from '../format.ts'
import { messageFor } from '../messages.ts'

export interface FileBrowserProps {
  mode: 'files' | 'folder'
  title: string
  /** Where to start; null: the host's home folder. */
  start: string | null
  /** The chosen paths (null when dismissed) and the folder shown last. */
  onDone: (paths: string[] | null, lastFolder?: string) => void
}

/** A folder as a small line drawing (inline SVG: no emoji font needed), for sighted users only. */
function FolderIcon (): ReactNode {
  return (
    <svg className='fb-icon' aria-hidden='true' viewBox='0 0 24 24' width='18' height='18' fill='none' stroke='currentColor' strokeWidth='1.6' strokeLinejoin='round'>
      <path d='M3 6.5A1.5 1.5 0 0 1 4.5 5h4l2 2h9A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z' />
    </svg>
  )
}

/** `name` inside the listed folder, with the host's separator. */
export function childPath (listing: Pick<FolderListing, 'path' | 'separator'>, name: string): string {
  return listing.path.endsWith(listing.separator) ? `${listing.path}${name}` : `${listing.path}${listing.separator}${name}`
}

/** The last part of a path, for labels ("/" for the root). */
const lastPart = (listing: Pick<FolderListing, 'path' | 'separator'>): string => listing.path.split(listing.separator).filter((p) => p !== '').pop() ?? listing.path

export function FileBrowserDialog ({ mode, title, start, onDone }: FileBrowserProps): ReactNode {
  const listFolder = useFerry((s) => s.listFolder)
  const contentsId = useId()
  const [listing, setListing] = useState<FolderListing | null>(null)
  const [typed, setTyped] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(true)
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set())
  const [showHidden, setShowHidden] = useState(false)

  // Listings can arrive out of order (a slow first listing, a quick Go): only the one asked for last is shown, and the
  // folder box is not written by a listing once the user is in it (focus, not only the first key: a first listing
  // that lands between the focus and the typing would otherwise be typed after, "/home/me" + "/tmp/x").
  const latest = useRef(0)
  const typing = useRef(false)
  const show = (next: FolderListing): void => {
    setListing(next)
    if (!typing.current) setTyped(next.path)
    setSelected(new Set())
    setError(null)
  }
  const go = async (path: string | null): Promise<void> => {
    const ticket = ++latest.current
    typing.current = false
    setBusy(true)
    try {
      const next = await listFolder(path)
      if (ticket === latest.current) show(next)
    } catch (err) {
      if (ticket === latest.current) setError(messageFor(toErrorDto(err)))
    } finally {
      if (ticket === latest.current) setBusy(false)
    }
  }
  // The first listing: where the user was last time, else home (and home when the last folder is gone).
  useEffect(() => {
    const ticket = ++latest.current
    listFolder(start).catch(async () => await listFolder(null)).then((first) => {
      if (ticket !== latest.current) return
      show(first)
      setBusy(false)
    }, (err: unknown) => {
      if (ticket !== latest.current) return
      setError(messageFor(toErrorDto(err)))
      setBusy(false)
    })
    return () => { latest.current++ }
  }, [listFolder, start])

  const close = (paths: string[] | null): void => { onDone(paths, listing?.path) }
  const entries = (listing?.entries ?? []).filter((e) => showHidden || e.hidden !== true)
  const hiddenCount = (listing?.entries.length ?? 0) - entries.length
  const toggle = (name: string): void => {
    setSelected((current) => {
      const next = new Set(current)
      if (!next.delete(name)) next.add(name)
      return next
    })
  }
  const choose = (): void => {
    if (listing === null) return
    if (mode === 'folder') close([listing.path])
    else close([...selected].sort().map((name) => childPath(listing, name)))
  }
  const submitPath = (event: FormEvent): void => {
    event.preventDefault()
    if (typed.trim() !== '') void go(typed.trim())
  }

  const row = (entry: FolderEntry): ReactNode => {
    if (entry.kind === 'folder') {
      return (
        <li key={entry.name} className='fb-entry fb-entry--folder'>
          <button type='button' className='fb-open' disabled={busy} onClick={() => { if (listing !== null) void go(childPath(listing, entry.name)) }} aria-label={`Open folder ${entry.name}`}>
            <FolderIcon /> {entry.name}{entry.link === true ? ' ↪' : ''}
          </button>
        </li>
      )
    }
    const pickable = mode === 'files' && entry.kind === 'file'
    return (
      <li key={entry.name} className={`fb-entry${pickable ? '' : ' fb-entry--muted'}`}>
        {pickable
          ? (
            <label>
              <input type='checkbox' checked={selected.has(entry.name)} onChange={() => { toggle(entry.name) }} />
              <span className='file-path'>{entry.name}</span>
            </label>
            )
          : <span className='file-path'>{entry.name}</span>}
        <span className='file-size'>{entry.size === undefined ? '' : formatBytes(entry.size)}</span>
      </li>
    )
  }

  return (
    <Dialog title={title} onClose={() => { close(null) }} className='dialog--wide file-browser'>
      <form className='fb-bar' onSubmit={submitPath}>
        <button type='button' disabled={busy || listing?.parent === undefined} onClick={() => { if (listing?.parent !== undefined) void go(listing.parent) }} aria-label='Up to the folder above'>↑ Up</button>
        <label className='grow fb-path'>
          <span className='sr-only'>Folder</span>
          <input value={typed} onFocus={() => { typing.current = true }} onChange={(event) => { typing.current = true; setTyped(event.target.value) }} spellCheck={false} aria-label='Folder' />
        </label>
        <button type='submit'>Go</button>
      </form>
      <div className='fb-body'>
        <nav className='fb-places' aria-label='Places'>
          <ul className='plain'>
            {listing?.places.map((place) => (
              <li key={place.path}>
                <button type='button' className='link-button' aria-current={place.path === listing.path ? 'location' : undefined} onClick={() => { void go(place.path) }}>{place.name}</button>
              </li>
            ))}
          </ul>
        </nav>
        <section className='fb-contents' id={contentsId} aria-label={listing === null ? 'Folder contents' : `Contents of ${lastPart(listing)}`} aria-busy={busy}>
          {error !== null && <p className='error' role='alert'>{error}</p>}
          {listing !== null && entries.length === 0 && <p className='hint'>{hiddenCount > 0 ? 'Only hidden files here.' : 'This folder is empty.'}</p>}
          <ul className='plain fb-list'>{entries.map(row)}</ul>
          {listing !== null && listing.more > 0 && <p className='hint'>and {plural(listing.more, 'more entry', 'more entries')} not shown: go to a folder further down.</p>}
        </section>
      </div>
      <label className='check'>
        <input type='checkbox' checked={showHidden} onChange={(event) => { setShowHidden(event.target.checked) }} />
        <span>Show hidden files{hiddenCount > 0 && !showHidden ? ` (${hiddenCount} here)` : ''}</span>
      </label>
      <div className='dialog-actions'>
        {mode === 'files' && <p className='hint' role='status'>{selected.size === 0 ? 'Tick the files to choose; open a folder to look inside.' : `${plural(selected.size, 'file')} chosen`}</p>}
        <span className='spacer' />
        <button type='button' onClick={() => { close(null) }}>Cancel</button>
        <button type='button' className='primary' disabled={busy || listing === null || (mode === 'files' && selected.size === 0)} onClick={choose}>
          {mode === 'files' ? (selected.size > 1 ? `Choose ${selected.size} files` : 'Choose file') : `Choose “${listing === null ? '' : lastPart(listing)}”`}
        </button>
      </div>
    </Dialog>
  )
}
