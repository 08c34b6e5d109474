// Send a short text (a link, a Wi-Fi password) to a device; the clipboard can be pasted with a button as well
// as with the keyboard.

import { useState, type FormEvent, type ReactNode } from 'react'
import { type Peer, toErrorDto } from '@ferry/api'
import { useFerry } from '../app/ferry-context.tsx'
import { Dialog } from '../components/Dialog.tsx'
import { peerName } from '../format.ts'
import { messageFor } from '../messages.ts'

/** p2p-core's default maxTextBytes; the engine checks the real limit. */
const MAX_TEXT_BYTES = 65_536

export function SendTextDialog ({ peer, onClose }: { peer: Peer, onClose: () => void }): ReactNode {
  const sendText = useFerry((s) => s.sendText)
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const tooLong = new TextEncoder().encode(text).length > MAX_TEXT_BYTES
  const canPaste = typeof navigator !== 'undefined' && typeof navigator.clipboard?.readText === 'function'

  const paste = async (): Promise<void> => {
    try {
      const pasted = await navigator.clipboard.readText()
      setText((current) => current + pasted)
    } catch {
      setError('Ferry may not read the clipboard here. Paste with Ctrl+V (⌘V on a Mac) instead.')
    }
  }

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await sendText(peer.id, text)
      onClose()
    } catch (err) {
      setError(messageFor(toErrorDto(err)))
      setBusy(false)
    }
  }

  return (
    <Dialog title={`Send text to ${peerName(peer)}`} onClose={onClose}>
      <form onSubmit={(event) => { void submit(event) }}>
        <label className='field'>
          <span>Message</span>
          <textarea data-autofocus rows={5} value={text} onChange={(event) => { setText(event.target.value) }} />
        </label>
        {tooLong && <p className='error' role='alert'>That is longer than the 64 KB a message may have. Send it as a file instead.</p>}
        {error !== null && <p className='error' role='alert'>{error}</p>}
        <div className='dialog-actions'>
          {canPaste && <button type='button' onClick={() => { void paste() }}>Paste</button>}
          <span className='spacer' />
          <button type='button' onClick={onClose}>Cancel</button>
          <button type='submit' className='primary' disabled={busy || text.trim() === '' || tooLong}>Send</button>
        </div>
      </form>
    </Dialog>
  )
}
