// The form that starts a share link: what to share (picked with the host's dialogs or typed), an optional PIN,
// how long the link lives, and whether visitors may upload.

import { useId, useState, type FormEvent, type ReactNode } from 'react'
import { type Share, toErrorDto } from '@ferry/api'
import { useFerry } from '../app/ferry-context.tsx'
import { messageFor } from '../messages.ts'

export const expiryChoices = [
  { label: '15 minutes', ms: 15 * 60_000 },
  { label: '1 hour', ms: 60 * 60_000 },
  { label: '1 day', ms: 24 * 60 * 60_000 },
  { label: '7 days', ms: 7 * 24 * 60 * 60_000 }
] as const

export function ShareForm ({ onCreated, onCancel }: { onCreated: (share: Share) => void, onCancel: () => void }): ReactNode {
  const pathHintId = useId()
  const createShare = useFerry((s) => s.createShare)
  const pickFiles = useFerry((s) => s.pickFiles)
  const pickFolder = useFerry((s) => s.pickFolder)
  const [paths, setPaths] = useState<string[]>([])
  const [typed, setTyped] = useState('')
  const [pin, setPin] = useState(true)
  const [expiresInMs, setExpiresInMs] = useState<number>(expiryChoices[1].ms)
  const [allowUpload, setAllowUpload] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const add = (more: readonly string[]): void => {
    setPaths((current) => [...current, ...more.filter((p) => p.trim() !== '' && !current.includes(p))])
  }
  const pick = async (which: 'files' | 'folder'): Promise<void> => {
    setError(null)
    try {
      if (which === 'files') add(await pickFiles())
      else {
        const dir = await pickFolder()
        if (dir !== null) add([dir])
      }
    } catch (err) {
      setError(messageFor(toErrorDto(err)))
    }
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
      <fieldset>
        <legend>What to share</legend>
        {paths.length === 0
          ? <p className='hint'>Nothing chosen yet.</p>
          : (
            <ul className='path-list'>
              {paths.map((path) => (
                <li key={path}>
                  <span className='file-path'>{path}</span>
                  <button type='button' className='link-button' aria-label={`Remove ${path}`} onClick={() => { setPaths((c) => c.filter((p) => p !== path)) }}>Remove</button>
                </li>
              ))}
            </ul>
            )}
        <div className='row'>
          <button type='button' data-autofocus onClick={() => { void pick('files') }}>Add files…</button>
          <button type='button' onClick={() => { void pick('folder') }}>Add folder…</button>
        </div>
        <div className='row'>
          <label className='field grow'>
            <span>Or type a path on this computer</span>
            <input value={typed} onChange={(event) => { setTyped(event.target.value) }} aria-describedby={pathHintId} spellCheck={false} />
          </label>
          <button type='button' disabled={typed.trim() === ''} onClick={() => { add([typed.trim()]); setTyped('') }}>Add path</button>
        </div>
        <p id={pathHintId} className='hint'>For example /home/ada/Pictures/holiday. Folders are shared with everything in them.</p>
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
