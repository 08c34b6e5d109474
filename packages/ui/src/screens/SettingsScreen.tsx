// Settings: a form over a copy of the saved settings; Save sends only what changed, and the host's answer (or
// its error, in words) is what the form shows next. Problems found before saving are shown all at once, each under
// its field and together above Save. Changes saved elsewhere replace the form while it is untouched.

import { useId, useState, type FormEvent, type ReactNode } from 'react'
import { type Settings, toErrorDto } from '@ferry/api'
import { useFerry, useNotifier } from '../app/ferry-context.tsx'
import type { Notifier, NotifyPermission } from '../app/notifier.ts'
import { usePickers } from '../app/pickers.tsx'
import { messageFor } from '../messages.ts'

function changes (saved: Settings, draft: Settings): Partial<Settings> {
  const patch: Partial<Settings> = {}
  for (const key of Object.keys(draft) as Array<keyof Settings>) {
    if (draft[key] !== saved[key]) Object.assign(patch, { [key]: draft[key] })
  }
  return patch
}

type Field = 'alias' | 'downloadDir' | 'port' | 'filesInFlight'

/** Every problem of the draft at once, by field, in the form's order. */
export function problemsWith (draft: Settings): Partial<Record<Field, string>> {
  const problems: Partial<Record<Field, string>> = {}
  if (draft.alias.trim() === '') problems.alias = 'Give this device a name.'
  if (draft.downloadDir.trim() === '') problems.downloadDir = 'Choose a download folder.'
  if (!Number.isInteger(draft.port) || draft.port < 0 || draft.port > 65535) problems.port = 'The port must be a whole number from 0 to 65535 (0 picks a free one).'
  if (!Number.isInteger(draft.filesInFlight) || draft.filesInFlight < 1 || draft.filesInFlight > 64) problems.filesInFlight = 'Files in flight must be a whole number from 1 to 64.'
  return problems
}

/** The problem of one field under it, tied to its input by `id`. */
function FieldError ({ id, text }: { id: string, text: string | undefined }): ReactNode {
  return text === undefined ? null : <p id={id} className='error field-error'>{text}</p>
}

function SettingsForm ({ saved }: { saved: Settings }): ReactNode {
  const ids = { port: useId(), inFlight: useId(), auto: useId(), links: useId(), aliasError: useId(), dirError: useId(), portError: useId(), inFlightError: useId() }
  const save = useFerry((s) => s.saveSettings)
  const { pickFolder } = usePickers()
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
  /** Shown once Save was pressed with problems; each goes as soon as its field is right. */
  const [checked, setChecked] = useState(false)
  const problems = checked ? problemsWith(draft) : {}
  const problemList = Object.values(problems)
  const edit = (patch: Partial<Settings>): void => {
    setDraft((current) => ({ ...current, ...patch }))
    setStatus('')
    setError(null)
  }
  const invalid = (field: Field, errorId: string, describedBy?: string): { 'aria-invalid'?: true, 'aria-describedby'?: string } => {
    const ids = [problems[field] === undefined ? undefined : errorId, describedBy].filter((id) => id !== undefined)
    return { ...(problems[field] === undefined ? {} : { 'aria-invalid': true as const }), ...(ids.length === 0 ? {} : { 'aria-describedby': ids.join(' ') }) }
  }
  const patch = changes(saved, draft)
  const dirty = Object.keys(patch).length > 0

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (Object.keys(problemsWith(draft)).length > 0) {
      setChecked(true)
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
  /** A problem choosing the folder, said under the field and gone with the next choice. */
  const [folderError, setFolderError] = useState<string | null>(null)
  const chooseFolder = async (): Promise<void> => {
    setFolderError(null)
    try {
      const dir = await pickFolder('Choose the download folder')
      if (dir !== null) edit({ downloadDir: dir })
    } catch (err) {
      setFolderError(messageFor(toErrorDto(err)))
    }
  }

  return (
    <form className='settings' noValidate onSubmit={(event) => { void submit(event) }}>
      <label className='field'>
        <span>Device name</span>
        <input value={draft.alias} maxLength={64} onChange={(event) => { edit({ alias: event.target.value }) }} {...invalid('alias', ids.aliasError)} />
      </label>
      <FieldError id={ids.aliasError} text={problems.alias} />
      <div className='field'>
        <label htmlFor='download-dir'>Download folder</label>
        <div className='row'>
          <input id='download-dir' className='grow' value={draft.downloadDir} onChange={(event) => { edit({ downloadDir: event.target.value }) }} spellCheck={false} {...invalid('downloadDir', ids.dirError)} />
          <button type='button' onClick={() => { void chooseFolder() }}>Choose…</button>
        </div>
        <FieldError id={ids.dirError} text={problems.downloadDir ?? folderError ?? undefined} />
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
        <input type='number' min={0} max={65535} value={Number.isNaN(draft.port) ? '' : draft.port} onChange={(event) => { edit({ port: event.target.valueAsNumber }) }} {...invalid('port', ids.portError, ids.port)} />
      </label>
      <FieldError id={ids.portError} text={problems.port} />
      <p id={ids.port} className='hint'>The UDP port Ferry listens on. 0 picks a free one; set a fixed port if a firewall needs it. A new port applies the next time Ferry starts.</p>
      <label className='field'>
        <span>Files in flight</span>
        <input type='number' min={1} max={64} value={Number.isNaN(draft.filesInFlight) ? '' : draft.filesInFlight} onChange={(event) => { edit({ filesInFlight: event.target.valueAsNumber }) }} {...invalid('filesInFlight', ids.inFlightError, ids.inFlight)} />
      </label>
      <FieldError id={ids.inFlightError} text={problems.filesInFlight} />
      <p id={ids.inFlight} className='hint'>How many files (or batches of small files) are sent at once. The default, 4, suits most networks.</p>
      {problemList.length > 0 && (
        <div className='error' role='alert'>
          <p>{problemList.length === 1 ? 'One thing to fix before saving:' : `${problemList.length} things to fix before saving:`}</p>
          <ul>{problemList.map((text) => <li key={text}>{text}</li>)}</ul>
        </div>
      )}
      {error !== null && <p className='error' role='alert'>{error}</p>}
      <div className='dialog-actions'>
        <p role='status' className='saved'>{status}</p>
        <span className='spacer' />
        <button type='button' disabled={!dirty || busy} onClick={() => { setDraft(saved); setError(null); setChecked(false) }}>Undo changes</button>
        <button type='submit' className='primary' disabled={!dirty || busy}>Save</button>
      </div>
    </form>
  )
}

/** Browser notifications for offers (only where the page has a notifier: `ferry ui`); the browser keeps the choice. */
function NotificationsSetting ({ notifier }: { notifier: Notifier }): ReactNode {
  const [permission, setPermission] = useState<NotifyPermission>(() => notifier.permission())
  if (permission === 'unsupported') return null
  return (
    <section className='settings notifications' aria-labelledby='notifications-title'>
      <h3 id='notifications-title'>Notifications</h3>
      {permission === 'granted' && <p>When a device or a visitor wants to send you files while this tab is in the background, Ferry shows a notification.</p>}
      {permission === 'default' && (
        <>
          <p>Get a notification when a device or a visitor wants to send you files while this tab is in the background. The tab’s title counts waiting offers either way.</p>
          <button type='button' onClick={() => { void notifier.requestPermission().then(setPermission) }}>Turn on notifications</button>
        </>
      )}
      {permission === 'denied' && <p>This browser blocks notifications from Ferry’s page. Allow them in the site settings of the address bar to be notified of offers.</p>}
    </section>
  )
}

export function SettingsScreen (): ReactNode {
  const settings = useFerry((s) => s.settings)
  const notifier = useNotifier()
  return (
    <section className='screen' aria-labelledby='settings-title'>
      <div className='screen-head'><h2 id='settings-title'>Settings</h2></div>
      {settings === null ? <p>Loading settings…</p> : <SettingsForm saved={settings} />}
      {notifier !== undefined && <NotificationsSetting notifier={notifier} />}
    </section>
  )
}
