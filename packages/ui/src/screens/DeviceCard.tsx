// One nearby device: who it is (alias, kind, short code, trust, online), a warning when its identity changed,
// and the ways to send to it: drop files or folders on the card, pick files or a folder (the host's dialog, or the
// UI's own browser of the host's folders: pickers.tsx), or type a text. In a browser a drop is copied to the host
// first, with its progress on the card (drop-resolver.ts). What became of the last send from this page is said on the
// card itself (waiting, declined, failed and why, delivered, cancelled by whom), so nobody has to go to Transfers to
// learn it. An offline device takes nothing: its buttons are off, a drop says why, and it can be removed.

import { useId, useState, type DragEvent, type ReactNode } from 'react'
import type { Peer, Transfer } from '@ferry/api'
import { droppedPaths } from '../app/drop-resolver.ts'
import { useDropWays, useFerry } from '../app/ferry-context.tsx'
import { usePickers } from '../app/pickers.tsx'
import { ConfirmButton } from '../components/ConfirmButton.tsx'
import { DeviceIcon } from '../components/DeviceIcon.tsx'
import { IdentityWarning, TrustBadge } from '../components/TrustBadge.tsx'
import { formatBytes, peerName, peerText, percent, plural } from '../format.ts'
import { isLocalSendPeer, LOCALSEND_NOTE } from '../localsend.ts'
import { messageFor } from '../messages.ts'

/** What became of a send, in a sentence for its card; `tone` colours it. */
export function sendOutcome (t: Transfer, name: string): { text: string, tone: 'busy' | 'ok' | 'bad' } {
  const what = t.fileCount === 0 ? 'the message' : plural(t.fileCount, 'file')
  switch (t.status) {
    case 'waiting': return { text: `Offered ${what} to ${name}: waiting for ${name} to accept.`, tone: 'busy' }
    case 'running': return { text: t.reconnecting === undefined ? `Sending ${what} to ${name}: ${percent(t.bytesDone, t.totalBytes)} %.` : `The connection to ${name} was lost; reconnecting…`, tone: 'busy' }
    case 'completed': return { text: t.fileCount === 0 ? `${name} received the message.` : `${name} received ${what}, all verified.`, tone: 'ok' }
    case 'declined': return { text: `${name} declined ${what}.`, tone: 'bad' }
    case 'cancelled': return { text: t.cancelledBy === 'peer' ? `${name} cancelled the transfer.` : 'You cancelled the transfer.', tone: 'bad' }
    case 'failed': return { text: `Could not send ${what} to ${name}. ${t.error === undefined ? '' : messageFor(t.error)}`.trim(), tone: 'bad' }
  }
}

export function DeviceCard ({ peer, onSendText }: { peer: Peer, onSendText: (peer: Peer) => void }): ReactNode {
  const nameId = useId()
  const dropWays = useDropWays()
  const sendFiles = useFerry((s) => s.sendFiles)
  const { pickFiles, pickFolder } = usePickers()
  const setTrust = useFerry((s) => s.setTrust)
  const removePeer = useFerry((s) => s.removePeer)
  const reportError = useFerry((s) => s.reportError)
  const [dragDepth, setDragDepth] = useState(0)
  const [note, setNote] = useState('')
  // The last send from this page to this device (transfers slice: lastSentTo), whatever screen it was started on.
  const last = useFerry((s) => { const id = s.lastSentTo[peer.id]; return id === undefined ? undefined : s.transfers.find((t) => t.id === id) })
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
  const run = (step: () => Promise<void>, context: string) => () => {
    step().catch((err: unknown) => {
      setNote('')
      reportError(err, context)
    })
  }
  /** A drop: the host's paths of it (a browser copies it first, said on the card), else the picker. */
  const sendDropped = async (data: DataTransfer): Promise<void> => {
    const paths = await droppedPaths(data, dropWays, (p) => { setNote(`Copying the dropped files for ${name}: ${formatBytes(p.bytesDone)} of ${formatBytes(p.totalBytes)}…`) })
    await send(paths ?? await pickFiles(`Send to ${name}`))
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
        const data = event.dataTransfer
        run(async () => { await sendDropped(data) }, `Send to ${name}`)()
      }}
    >
      <div className='device-head'>
        <DeviceIcon type={peer.deviceType} />
        <div>
          <h3 id={nameId} className='device-name'>{name}</h3>
          <p className='device-meta'>
            <span className='code' title='Short code: compare it with the one shown on that device'>{peer.shortCode}</span>
            <TrustBadge trust={peer.trust} />
            {isLocalSendPeer(peer.id) && <span className='badge badge--localsend' title={LOCALSEND_NOTE}>LocalSend</span>}
            {peer.model !== undefined && <span className='device-model' title='The model this device says it is'>{peerText(peer.model)}</span>}
            <span className={`presence presence--${peer.online ? 'online' : 'offline'}`}>{peer.online ? 'Online' : 'Offline'}</span>
          </p>
        </div>
      </div>
      {peer.identityChanged && <IdentityWarning name={name} />}
      {offline && <p className='hint'>Offline: Ferry cannot reach it now. Sending is possible again as soon as it shows Online.</p>}
      {isLocalSendPeer(peer.id) && <p className='hint device-note'>{LOCALSEND_NOTE}</p>}
      <div className='device-actions'>
        <button type='button' className='primary' disabled={offline} aria-describedby={nameId} onClick={run(async () => { await send(await pickFiles(`Send files to ${name}`)) }, `Send to ${name}`)}>Send files…</button>
        <button type='button' disabled={offline} aria-describedby={nameId} onClick={run(async () => { const dir = await pickFolder(`Send a folder to ${name}`); if (dir !== null) await send([dir]) }, `Send to ${name}`)}>Send folder…</button>
        <button type='button' disabled={offline} aria-describedby={nameId} onClick={() => { onSendText(peer) }}>Send text…</button>
        {peer.trust === 'trusted' && !peer.identityChanged
          ? <button type='button' aria-describedby={nameId} onClick={run(async () => { await setTrust(peer.id, 'known') }, `Trust ${name}`)}>Stop trusting</button>
          : <button type='button' aria-describedby={nameId} onClick={run(async () => { await setTrust(peer.id, 'trusted') }, `Trust ${name}`)}>{peer.identityChanged ? 'Trust new identity' : 'Trust'}</button>}
      </div>
      {offline && (
        <div className='device-actions'>
          <ConfirmButton
            label='Remove' describedBy={nameId} confirmLabel='Yes, remove'
            question={peer.trust === 'trusted' ? `Remove ${name}? Ferry forgets it and stops trusting it.` : `Remove ${name}? Ferry forgets it.`}
            onConfirm={() => { removePeer(peer.id).catch((err: unknown) => { reportError(err, `Remove ${name}`) }) }}
          />
        </div>
      )}
      <p className={`device-status${outcome === undefined || note !== '' ? '' : ` device-status--${outcome.tone}`}`} role='status'>{note !== '' ? note : outcome?.text ?? ''}</p>
      {dragDepth > 0 && <div className='drop-hint' aria-hidden='true'>Drop to send to {name}</div>}
    </article>
  )
}
