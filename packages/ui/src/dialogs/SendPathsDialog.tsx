// Send by typing paths: for hosts with no file dialog and no way to learn where a dropped file lives (`ferry ui`
// in a browser, where the page and the engine share one computer). One absolute path a line; the host checks them.

import { useId, useState, type FormEvent, type ReactNode } from 'react'
import { type Peer, toErrorDto } from '@ferry/api'
import { useFerry } from '../app/ferry-context.tsx'
import { Dialog } from '../components/Dialog.tsx'
import { peerName } from '../format.ts'
import { messageFor } from '../messages.ts'

/** The lines typed, trimmed, blank ones and repeats left out. */
export function pathsFromText (text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== ''))]
}

export function SendPathsDialog ({ peer, dropped = [], onSent, onClose }: {
  peer: Peer
  /** Names of files dropped on the card whose paths the host could not learn. */
  dropped?: readonly string[]
  onSent: () => void
  onClose: () => void
}): ReactNode {
  const hintId = useId()
  const sendFiles = useFerry((s) => s.sendFiles)
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const paths = pathsFromText(text)

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (paths.length === 0 || busy) return
    setBusy(true)
    setError(null)
    try {
      await sendFiles(peer.id, paths)
      onSent()
      onClose()
    } catch (err) {
      setError(messageFor(toErrorDto(err)))
      setBusy(false)
    }
  }

  return (
    <Dialog title={`Send to ${peerName(peer)}`} onClose={onClose}>
      <form onSubmit={(event) => { void submit(event) }}>
        {dropped.length > 0 && (
          <p className='hint'>
            The browser does not tell Ferry where {dropped.length === 1 ? `“${dropped[0]}” is` : `the ${dropped.length} dropped items are`} on
            this computer. Type {dropped.length === 1 ? 'its path' : 'their paths'} below.
          </p>
        )}
        <label className='field'>
          <span>Paths on this computer</span>
          <textarea
            data-autofocus rows={4} value={text} spellCheck={false} aria-describedby={hintId}
            placeholder='/home/me/Pictures/holiday' onChange={(event) => { setText(event.target.value) }}
          />
        </label>
        <p id={hintId} className='hint'>One file or folder a line, as absolute paths. Folders are sent with everything in them.</p>
        {error !== null && <p className='error' role='alert'>{error}</p>}
        <div className='dialog-actions'>
          <button type='button' onClick={onClose}>Cancel</button>
          <button type='submit' className='primary' disabled={busy || paths.length === 0}>{busy ? 'Sending…' : 'Send'}</button>
        </div>
      </form>
    </Dialog>
  )
}
