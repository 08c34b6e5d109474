// History: finished transfers, newest first, with each file's place on this computer to open or show. An entry can be
// removed, and the whole history cleared (after a confirmation); a message's text stays only until its
// textExpiresAt, which the entry says.

import type { ReactNode } from 'react'
import type { HistoryEntry } from '@ferry/api'
import { useFerry } from '../app/ferry-context.tsx'
import { ConfirmButton } from '../components/ConfirmButton.tsx'
import { EmptyState } from '../components/EmptyState.tsx'
import { formatBytes, formatTime, peerText } from '../format.ts'
import { messageFor } from '../messages.ts'

const statusText: Record<HistoryEntry['status'], string> = { completed: 'Done', failed: 'Failed', cancelled: 'Cancelled', declined: 'Declined' }

/** Files listed per entry. */
const MAX_FILES_SHOWN = 20

function HistoryItem ({ entry }: { entry: HistoryEntry }): ReactNode {
  const clear = useFerry((s) => s.clearHistory)
  const openFile = useFerry((s) => s.openFile)
  const showInFolder = useFerry((s) => s.showInFolder)
  const reportError = useFerry((s) => s.reportError)
  const name = entry.peer.name === undefined ? (entry.peer.shortCode ?? 'Unknown device') : peerText(entry.peer.name)
  const run = (step: Promise<void>, context: string): void => { step.catch((err: unknown) => { reportError(err, context) }) }

  return (
    <li className={`history history--${entry.status}`}>
      <div className='transfer-head'>
        <span className='direction' aria-hidden='true'>{entry.direction === 'sent' ? '↑' : '↓'}</span>
        <h3 className='transfer-title'>{entry.direction === 'sent' ? `Sent to ${name}` : `Received from ${name}`}</h3>
        <span className={`status status--${entry.status}`}>{entry.status === 'cancelled' && entry.cancelledBy !== undefined ? (entry.cancelledBy === 'here' ? 'Cancelled by you' : `Cancelled by ${name}`) : statusText[entry.status]}</span>
        <button type='button' className='link-button' aria-label={`Remove “${entry.direction === 'sent' ? `Sent to ${name}` : `Received from ${name}`}” from History`} onClick={() => { run(clear([entry.id]), 'Remove from History') }}>Remove</button>
      </div>
      <p className='hint'>{formatTime(entry.at)} · {entry.files.length === 0 ? 'Message' : formatBytes(entry.totalBytes)}</p>
      {entry.text !== undefined && <p className='transfer-text'><bdi>{entry.text}</bdi></p>}
      {entry.text !== undefined && entry.textExpiresAt !== undefined && <p className='hint'>This message’s text leaves History on {formatTime(entry.textExpiresAt)}.</p>}
      {entry.textRemoved === true && <p className='hint'>The text of this message was deleted from History.</p>}
      {entry.error !== undefined && <p className='error'>{messageFor(entry.error)}</p>}
      {entry.files.length > 0 && (
        <ul className='history-files'>
          {entry.files.slice(0, MAX_FILES_SHOWN).map((file) => (
            <li key={file.path}>
              <span className='file-path'>{peerText(file.path)}</span>
              <span className='file-size'>{formatBytes(file.size)}</span>
              {file.localPath !== undefined && (
                <span className='row'>
                  {/* Ferry opens only what it received; a sent file is shown in its folder (open-policy.ts). */}
                  {entry.direction === 'received' && entry.status === 'completed' && <button type='button' className='link-button' aria-label={`Open ${peerText(file.path)}`} onClick={() => { run(openFile(file.localPath as string), 'Open file') }}>Open</button>}
                  <button type='button' className='link-button' aria-label={`Show ${peerText(file.path)} in folder`} onClick={() => { run(showInFolder(file.localPath as string), 'Show in folder') }}>Show in folder</button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {entry.files.length > MAX_FILES_SHOWN && <p className='hint'>and {entry.files.length - MAX_FILES_SHOWN} more</p>}
    </li>
  )
}

export function HistoryScreen (): ReactNode {
  const history = useFerry((s) => s.history)
  const clear = useFerry((s) => s.clearHistory)
  const reportError = useFerry((s) => s.reportError)
  return (
    <section className='screen' aria-labelledby='history-title'>
      <div className='screen-head'>
        <h2 id='history-title'>History</h2>
        {history.length > 0 && (
          <ConfirmButton
            label='Clear history' confirmLabel='Yes, clear'
            question='Clear the whole history? Received files stay where they are.'
            onConfirm={() => { clear().catch((err: unknown) => { reportError(err, 'Clear history') }) }}
          />
        )}
      </div>
      {history.length === 0
        ? (
          <EmptyState title='Nothing here yet'>
            <p>Every transfer you send or receive is listed here when it ends, with buttons to open the files or show them in their folder.</p>
          </EmptyState>
          )
        : <ul className='transfer-list'>{history.map((entry) => <HistoryItem key={entry.id} entry={entry} />)}</ul>}
    </section>
  )
}
