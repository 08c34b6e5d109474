// The form that starts a share link: what to share (picked with the host's dialogs or the UI's own file browser, or
// dropped onto the form: pickers.tsx, drop-resolver.ts), an optional PIN, how long the link lives, and whether
// visitors may upload. A problem with choosing is said next to the buttons that chose, and goes with the next choice.

import { useId, useState, type DragEvent, type FormEvent, type ReactNode } from 'react'
import { type Share, toErrorDto } from '@ferry/api'
import { droppedPaths } from '../app/drop-resolver.ts'
import { useDropWays, useFerry } from '../app/ferry-context.tsx'
import { usePickers } from '../app/pickers.tsx'
import { formatBytes } from '../format.ts'
import { messageFor } from '../messages.ts'

export const expiryChoices = [
  { label: '15 minutes', ms: 15 * 60_000 },
  { label: '1 hour', ms: 60 * 60_000 },
  { label: '1 day', ms: 24 * 60 * 60_000 },
  { label: '7 days', ms: 7 * 24 * 60 * 60_000 }
] as const

/** The last part of a path, to name a chosen file or folder. */
const nameOf = (path: string): string => path.split(/[\\/]/).filter((p) => p !== '').pop() ?? path

export function ShareForm ({ onCreated, onCancel }: { onCreated: (share: Share) => void, onCancel: () => void }): ReactNode {
  const chooseId = useId()
  const createShare = useFerry((s) => s.createShare)
  const { pickFiles, pickFolder } = usePickers()
  const dropWays = useDropWays()
  const [paths, setPaths] = useState<string[]>([])
  const [pin, setPin] = useState(true)
  const [expiresInMs, setExpiresInMs] = useState<number>(expiryChoices[1].ms)
  const [allowUpload, setAllowUpload] = useState(false)
  const [busy, setBusy] = useState(false)
  /** About choosing what to share: shown by the buttons that choose. */
  const [chooseError, setChooseError] = useState<string | null>(null)
  const [copying, setCopying] = useState<string | null>(null)
  const [dragging, setDragging] = useState(false)
  /** About creating the link: shown by Create link. */
  const [error, setError] = useState<string | null>(null)

  const add = (more: readonly string[]): void => {
    setPaths((current) => [...current, ...more.filter((p) => p.trim() !== '' && !current.includes(p))])
  }
  const choose = async (step: () => Promise<readonly string[]>): Promise<void> => {
    setChooseError(null)
    try {
      add(await step())
    } catch (err) {
      setChooseError(messageFor(toErrorDto(err)))
    } finally {
      setCopying(null)
    }
  }
  const onDrop = (event: DragEvent): void => {
    event.preventDefault()
    setDragging(false)
    const data = event.dataTransfer
    void choose(async () => await droppedPaths(data, dropWays, (p) => { setCopying(`Copying the dropped files: ${formatBytes(p.bytesDone)} of ${formatBytes(p.totalBytes)}…`) }) ?? await pickFiles('Share files'))
  }
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      onCreated(await createShare({ paths, pin, expiresInMs, allowUpload }))
    } catch (err) {
      setError(messageFor(toErrorDto(err)))
      setBusy(false)
    }
  }

  return (
    <form onSubmit={(event) => { void submit(event) }}>
      <fieldset
        className={`share-what${dragging ? ' share-what--drop' : ''}`}
        onDragEnter={(event) => { if (event.dataTransfer.types.includes('Files')) setDragging(true) }}
        onDragLeave={(event) => { if (event.currentTarget === event.target) setDragging(false) }}
        onDragOver={(event) => { if (event.dataTransfer.types.includes('Files')) { event.preventDefault(); event.dataTransfer.dropEffect = 'copy' } }}
        onDrop={onDrop}
        aria-describedby={chooseId}
      >
        <legend>What to share</legend>
        {paths.length === 0
          ? <p className='hint'>Nothing chosen yet. Drop files or folders here, or choose them.</p>
          : (
            <ul className='path-list'>
              {paths.map((path) => (
                <li key={path}>
                  <span className='file-path' title={path}>{nameOf(path)}</span>
                  <button type='button' className='link-button' aria-label={`Remove ${nameOf(path)}`} onClick={() => { setPaths((c) => c.filter((p) => p !== path)) }}>Remove</button>
                </li>
              ))}
            </ul>
            )}
        <div className='row'>
          <button type='button' data-autofocus onClick={() => { void choose(async () => await pickFiles('Share files')) }}>Add files…</button>
          <button type='button' onClick={() => { void choose(async () => { const dir = await pickFolder('Share a folder'); return dir === null ? [] : [dir] }) }}>Add folder…</button>
        </div>
        <p id={chooseId} className='hint'>Folders are shared with everything in them.</p>
        {copying !== null && <p className='hint' role='status'>{copying}</p>}
        {chooseError !== null && <p className='error' role='alert'>{chooseError}</p>}
      </fieldset>
      <label className='check'>
        <input type='checkbox' checked={pin} onChange={(event) => { setPin(event.target.checked) }} />
        <span>Protect with a PIN (visitors type a 6-digit code you tell them)</span>
      </label>
      <label className='field'>
        <span>Link expires after</span>
        <select value={expiresInMs} onChange={(event) => { setExpiresInMs(Number(event.target.value)) }}>
          {expiryChoices.map((choice) => <option key={choice.ms} value={choice.ms}>{choice.label}</option>)}
        </select>
      </label>
      <label className='check'>
        <input type='checkbox' checked={allowUpload} onChange={(event) => { setAllowUpload(event.target.checked) }} />
        <span>Let visitors upload files to this computer (you accept each upload)</span>
      </label>
      {error !== null && <p className='error' role='alert'>{error}</p>}
      <div className='dialog-actions'>
        <button type='button' onClick={onCancel}>Cancel</button>
        <button type='submit' className='primary' disabled={busy || paths.length === 0}>{busy ? 'Creating…' : 'Create link'}</button>
      </div>
    </form>
  )
}
