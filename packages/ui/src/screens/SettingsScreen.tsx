// Settings: a form over a copy of the saved settings; Save sends only what changed, and the host's answer (or
// its error, in words) is what the form shows next. Changes saved elsewhere replace the form while it is untouched.

import { useId, useState, type FormEvent, type ReactNode } from 'react'
import { type Settings, toErrorDto } from '@ferry/api'
import { useFerry } from '../app/ferry-context.tsx'
import { messageFor } from '../messages.ts'

function changes (saved: Settings, draft: Settings): Partial<Settings> {
  const patch: Partial<Settings> = {}
  for (const key of Object.keys(draft) as Array<keyof Settings>) {
    if (draft[key] !== saved[key]) Object.assign(patch, { [key]: draft[key] })
  }
  return patch
}

function problemWith (draft: Settings): string | null {
  if (draft.alias.trim() === '') return 'Give this device a name.'
  if (!Number.isInteger(draft.port) || draft.port < 0 || draft.port > 65535) return 'The port must be a whole number from 0 to 65535 (0 picks a free one).'
  if (!Number.isInteger(draft.filesInFlight) || draft.filesInFlight < 1 || draft.filesInFlight > 64) return 'Files in flight must be a whole number from 1 to 64.'
  if (draft.downloadDir.trim() === '') return 'Choose a download folder.'
  return null
}

function SettingsForm ({ saved }: { saved: Settings }): ReactNode {
  const ids = { port: useId(), inFlight: useId(), auto: useId(), links: useId() }
  const save = useFerry((s) => s.saveSettings)
  const pickFolder = useFerry((s) => s.pickFolder)
  const [draft, setDraft] = useState<Settings>(saved)
  // Settings changed elsewhere (another window, the CLI) replace an untouched form, never the user's edits.
  const [base, setBase] = useState<Settings>(saved)
  if (saved !== base) {
    setBase(saved)
    if (Object.keys(changes(base, draft)).length === 0) setDraft(saved)
  }
  const [busy, setBusy] = useState(false)
  const [status, setStatus] = useState('')
  const [error, setError] = useState<string | null>(null)
  const edit = (patch: Partial<Settings>): void => {
    setDraft((current) => ({ ...current, ...patch }))
    setStatus('')
  }
  const patch = changes(saved, draft)
  const dirty = Object.keys(patch).length > 0

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    const problem = problemWith(draft)
    if (problem !== null) {
      setError(problem)
      return
    }
    setBusy(true)
    setError(null)
    try {
      setDraft(await save(patch))
      setStatus('Settings saved.')
    } catch (err) {
      setError(messageFor(toErrorDto(err)))
    } finally {
      setBusy(false)
    }
  }
  const chooseFolder = async (): Promise<void> => {
    try {
      const dir = await pickFolder()
      if (dir !== null) edit({ downloadDir: dir })
    } catch (err) {
      setError(messageFor(toErrorDto(err)))
    }
  }

  return (
    <form className='settings' noValidate onSubmit={(event) => { void submit(event) }}>
      <label className='field'>
        <span>Device name</span>
        <input value={draft.alias} maxLength={64} onChange={(event) => { edit({ alias: event.target.value }) }} />
      </label>
      <div className='field'>
        <label htmlFor='download-dir'>Download folder</label>
        <div className='row'>
          <input id='download-dir' className='grow' value={draft.downloadDir} onChange={(event) => { edit({ downloadDir: event.target.value }) }} spellCheck={false} />
          <button type='button' onClick={() => { void chooseFolder() }}>Choose…</button>
        </div>
      </div>
      <label className='check'>
        <input type='checkbox' checked={draft.autoAcceptTrusted} onChange={(event) => { edit({ autoAcceptTrusted: event.target.checked }) }} aria-describedby={ids.auto} />
        <span>Accept files from trusted devices without asking</span>
      </label>
      <p id={ids.auto} className='hint'>Offers from other devices always ask first.</p>
      <label className='check'>
        <input type='checkbox' checked={draft.followLinks} onChange={(event) => { edit({ followLinks: event.target.checked }) }} aria-describedby={ids.links} />
        <span>Follow symbolic links inside sent folders</span>
      </label>
      <p id={ids.links} className='hint'>Only links to files and folders, never into a loop. Without it, links are left out and the transfer lists them.</p>
      <label className='field'>
        <span>Port</span>
        <input type='number' min={0} max={65535} value={Number.isNaN(draft.port) ? '' : draft.port} onChange={(event) => { edit({ port: event.target.valueAsNumber }) }} aria-describedby={ids.port} />
      </label>
      <p id={ids.port} className='hint'>The UDP port Ferry listens on. 0 picks a free one; set a fixed port if a firewall needs it. A new port applies the next time Ferry starts.</p>
      <label className='field'>
        <span>Files in flight</span>
        <input type='number' min={1} max={64} value={Number.isNaN(draft.filesInFlight) ? '' : draft.filesInFlight} onChange={(event) => { edit({ filesInFlight: event.target.valueAsNumber }) }} aria-describedby={ids.inFlight} />
      </label>
      <p id={ids.inFlight} className='hint'>How many files (or batches of small files) are sent at once. The default, 4, suits most networks.</p>
      {error !== null && <p className='error' role='alert'>{error}</p>}
      <div className='dialog-actions'>
        <p role='status' className='saved'>{status}</p>
        <span className='spacer' />
        <button type='button' disabled={!dirty || busy} onClick={() => { setDraft(saved); setError(null) }}>Undo changes</button>
        <button type='submit' className='primary' disabled={!dirty || busy}>Save</button>
      </div>
    </form>
  )
}

export function SettingsScreen (): ReactNode {
  const settings = useFerry((s) => s.settings)
  return (
    <section className='screen' aria-labelledby='settings-title'>
      <div className='screen-head'><h2 id='settings-title'>Settings</h2></div>
      {settings === null ? <p>Loading settings…</p> : <SettingsForm saved={settings} />}
    </section>
  )
}
