// Add a device by what its owner reads out: HOST:PORT, HOST:PORT/DEVICE-ID or a ferry:// link. Closing the
// dialog while Ferry is still trying abandons the attempt (its signal).

import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { toErrorDto } from '@ferry/api'
import { useFerry } from '../app/ferry-context.tsx'
import { Dialog } from '../components/Dialog.tsx'
import { messageFor } from '../messages.ts'

export function AddDeviceDialog ({ onClose }: { onClose: () => void }): ReactNode {
  const hintId = useId()
  const addPeer = useFerry((s) => s.addPeerByAddress)
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const attempt = useRef<AbortController | null>(null)
  useEffect(() => () => { attempt.current?.abort() }, [])

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (text.trim() === '' || busy) return
    const controller = new AbortController()
    attempt.current = controller
    setBusy(true)
    setError(null)
    try {
      await addPeer(text.trim(), { signal: controller.signal })
      onClose()
    } catch (err) {
      if (!controller.signal.aborted) setError(messageFor(toErrorDto(err)))
    } finally {
      if (!controller.signal.aborted) setBusy(false)
    }
  }

  return (
    <Dialog title='Add a device' onClose={onClose}>
      <form onSubmit={(event) => { void submit(event) }}>
        <label className='field'>
          <span>Address or link</span>
          <input
            data-autofocus
            value={text}
            onChange={(event) => { setText(event.target.value); setError(null) }}
            aria-describedby={hintId}
            placeholder='192.168.1.20:41234'
            autoComplete='off'
            spellCheck={false}
          />
        </label>
        <p id={hintId} className='hint'>
          As the other device shows it (for example what “ferry receive” prints): HOST:PORT, HOST:PORT/DEVICE-ID or a
          ferry:// link. With a device id, Ferry only talks to that exact device.
        </p>
        {error !== null && <p className='error' role='alert'>{error}</p>}
        <div className='dialog-actions'>
          <button type='button' onClick={onClose}>Cancel</button>
          <button type='submit' className='primary' disabled={busy || text.trim() === ''}>{busy ? 'Connecting…' : 'Add device'}</button>
        </div>
      </form>
    </Dialog>
  )
}
