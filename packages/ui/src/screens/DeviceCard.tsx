// One nearby device: who it is (alias, kind, short code, trust, online), a warning when its identity changed,
// and the ways to send to it: drop files on the card, pick files or a folder, or type a text. A host without a
// file dialog (a browser on `ferry ui`) gets a dialog to type paths instead. What became of the last send from this
// screen is said on the card itself (waiting, declined, failed and why, delivered), so nobody has to go to
// Transfers to learn it. An offline device takes nothing: its buttons are off and a drop says why.

import { useId, useState, type DragEvent, type ReactNode } from 'react'
import { apiErrorCodes, type Peer, toErrorDto, type Transfer } from '@ferry/api'
import { useDropResolver, useFerry } from '../app/ferry-context.tsx'
import { DeviceIcon } from '../components/DeviceIcon.tsx'
import { IdentityWarning, TrustBadge } from '../components/TrustBadge.tsx'
import { peerName, percent, plural } from '../format.ts'
import { SendPathsDialog } from '../dialogs/SendPathsDialog.tsx'
import { messageFor } from '../messages.ts'

/** What became of a send, in a sentence for its card; `tone` colours it. */
export function sendOutcome (t: Transfer, name: string): { text: string, tone: 'busy' | 'ok' | 'bad' } {
  const what = t.fileCount === 0 ? 'the message' : plural(t.fileCount, 'file')
  switch (t.status) {
    case 'waiting': return { text: `Offered ${what} to ${name}: waiting for ${name} to accept.`, tone: 'busy' }
    case 'running': return { text: t.reconnecting === undefined ? `Sending ${what} to ${name}: ${percent(t.bytesDone, t.totalBytes)} %.` : `The connection to ${name} was lost; reconnecting…`, tone: 'busy' }
    case 'completed': return { text: t.fileCount === 0 ? `${name} received the message.` : `${name} received ${what}, all verified.`, tone: 'ok' }
    case 'declined': return { text: `${name} declined ${what}.`, tone: 'bad' }
    case 'cancelled': return { text: 'The transfer was cancelled.', tone: 'bad' }
    case 'failed': return { text: `Could not send ${what} to ${name}. ${t.error === undefined ? '' : messageFor(t.error)}`.trim(), tone: 'bad' }
  }
}

export function DeviceCard ({ peer, onSendText }: { peer: Peer, onSendText: (peer: Peer) => void }): ReactNode {
  const nameId = useId()
  const resolveDrop = useDropResolver()
  const sendFiles = useFerry((s) => s.sendFiles)
  const pickFiles = useFerry((s) => s.pickFiles)
  const pickFolder = useFerry((s) => s.pickFolder)
  const setTrust = useFerry((s) => s.setTrust)
  const reportError = useFerry((s) => s.reportError)
  const [dragDepth, setDragDepth] = useState(0)
  const [note, setNote] = useState('')
  // The last send from this page to this device (transfers slice: lastSentTo), whatever screen it was started on.
  const last = useFerry((s) => { const id = s.lastSentTo[peer.id]; return id === undefined ? undefined : s.transfers.find((t) => t.id === id) })
  /** Open with the names of dropped files (or none) when the host cannot pick or resolve paths. */
  const [typing, setTyping] = useState<readonly string[] | null>(null)
  const name = peerName(peer)
  const offline = !peer.online
  const outcome = last === undefined ? undefined : sendOutcome(last, name)

  const send = async (paths: string[]): Promise<void> => {
    if (paths.length === 0) return
    try {
      setNote('')
      await sendFiles(peer.id, paths)
    } catch (err) {
      reportError(err, `Send to ${name}`)
    }
  }
  /** Runs a pick-and-send; a host with no dialog opens the type-a-path dialog instead of an error. */
  const run = (step: () => Promise<void>, context: string, dropped: readonly string[] = []) => () => {
    step().catch((err: unknown) => {
      if (toErrorDto(err).code === apiErrorCodes.unsupported) setTyping(dropped)
      else reportError(err, context)
    })
  }
  const isFileDrag = (event: DragEvent): boolean => event.dataTransfer.types.includes('Files')

  return (
    <article
      className={`device${dragDepth > 0 ? ' device--drop' : ''}`}
      aria-labelledby={nameId}
      onDragEnter={(event) => { if (isFileDrag(event)) setDragDepth((d) => d + 1) }}
      onDragLeave={() => { setDragDepth((d) => Math.max(0, d - 1)) }}
      onDragOver={(event) => {
        if (!isFileDrag(event)) return
        event.preventDefault()
        event.dataTransfer.dropEffect = 'copy'
      }}
      onDrop={(event) => {
        event.preventDefault()
        setDragDepth(0)
        if (offline) {
          setNote(`${name} is offline, so nothing was sent. Try again when it shows Online.`)
          return
        }
        const files = [...event.dataTransfer.files]
        run(async () => { await send(await resolveDrop(files)) }, `Send to ${name}`, files.map((f) => f.name))()
      }}
    >
      <div className='device-head'>
        <DeviceIcon type={peer.deviceType} />
        <div>
          <h3 id={nameId} className='device-name'>{name}</h3>
          <p className='device-meta'>
            <span className='code' title='Short code: compare it with the one shown on that device'>{peer.shortCode}</span>
            <TrustBadge trust={peer.trust} />
            <span className={`presence presence--${peer.online ? 'online' : 'offline'}`}>{peer.online ? 'Online' : 'Offline'}</span>
          </p>
        </div>
      </div>
      {peer.identityChanged && <IdentityWarning name={name} />}
      {offline && <p className='hint'>Offline: Ferry cannot reach it now. Sending is possible again as soon as it shows Online.</p>}
      <div className='device-actions'>
        <button type='button' className='primary' disabled={offline} aria-describedby={nameId} onClick={run(async () => { await send(await pickFiles()) }, `Send to ${name}`)}>Send files…</button>
        <button type='button' disabled={offline} aria-describedby={nameId} onClick={run(async () => { const dir = await pickFolder(); if (dir !== null) await send([dir]) }, `Send to ${name}`)}>Send folder…</button>
        <button type='button' disabled={offline} aria-describedby={nameId} onClick={() => { onSendText(peer) }}>Send text…</button>
        {peer.trust === 'trusted' && !peer.identityChanged
          ? <button type='button' aria-describedby={nameId} onClick={run(async () => { await setTrust(peer.id, 'known') }, `Trust ${name}`)}>Stop trusting</button>
          : <button type='button' aria-describedby={nameId} onClick={run(async () => { await setTrust(peer.id, 'trusted') }, `Trust ${name}`)}>{peer.identityChanged ? 'Trust new identity' : 'Trust'}</button>}
      </div>
      <p className={`device-status${outcome === undefined || note !== '' ? '' : ` device-status--${outcome.tone}`}`} role='status'>{note !== '' ? note : outcome?.text ?? ''}</p>
      {typing !== null && <SendPathsDialog peer={peer} dropped={typing} onSent={() => { setNote('') }} onClose={() => { setTyping(null) }} />}
      {dragDepth > 0 && <div className='drop-hint' aria-hidden='true'>Drop to send to {name}</div>}
    </article>
  )
}
