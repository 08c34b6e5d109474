// One transfer: who, which way, how far (overall and per file, as <progress>), how fast, how long still, and
// what went wrong in words, what a send left out of its folders; Cancel while it runs, Retry or Resume (files) or Send
// again (a message) when the engine says it can; once done, where the files went and what to do next (TransferOutcome).

import { useId, type ReactNode } from 'react'
import type { SkippedSourceReason, Transfer, TransferStatus } from '@ferry/api'
import { useFerry } from '../app/ferry-context.tsx'
import { formatBytes, formatDuration, formatRate, peerText, percent } from '../format.ts'
import { messageFor } from '../messages.ts'
import { isActive } from '../store/transfers-slice.ts'
import { TransferOutcome } from './TransferOutcome.tsx'

/** Files listed per transfer; the rest are counted, so a 10,000-file transfer stays light. */
export const MAX_FILES_SHOWN = 50

const statusLabels: Record<TransferStatus, string> = {
  waiting: 'Waiting for the other device',
  running: 'Transferring',
  completed: 'Done',
  declined: 'Declined',
  cancelled: 'Cancelled',
  failed: 'Failed'
}

/** Why a send left an entry of a folder out, in words. */
const SKIPPED: Record<SkippedSourceReason, string> = {
  symlink: 'is a symbolic link (not followed; see Settings)',
  fifo: 'is a pipe',
  socket: 'is a socket',
  device: 'is a device',
  loop: 'leads back into a folder being sent',
  unreadable: 'cannot be read',
  'invalid-name': 'has a name the other device would refuse'
}

export function TransferItem ({ transfer: t }: { transfer: Transfer }): ReactNode {
  const titleId = useId()
  const cancel = useFerry((s) => s.cancelTransfer)
  const retry = useFerry((s) => s.retryTransfer)
  const dismiss = useFerry((s) => s.dismissTransfers)
  const reportError = useFerry((s) => s.reportError)
  const name = t.peer.name === undefined ? (t.peer.shortCode ?? 'Unknown device') : peerText(t.peer.name)
  const active = isActive(t)
  const shown = t.files.slice(0, MAX_FILES_SHOWN)
  const hidden = t.fileCount - shown.length
  // A network failure keeps the receiver's partial files, so trying again goes on from what arrived; a message has
  // nothing to resume, it is sent again.
  const resumes = t.fileCount > 0 && ['FERRY_ERR_CONNECTION_LOST', 'FERRY_ERR_TIMEOUT', 'FERRY_ERR_UNREACHABLE'].includes(t.error?.code ?? '')
  const retryLabel = t.fileCount === 0 ? 'Send again' : resumes ? 'Resume' : 'Retry'

  return (
    <li className={`transfer transfer--${t.status}`} aria-labelledby={titleId}>
      <div className='transfer-head'>
        <span className='direction' aria-hidden='true'>{t.direction === 'send' ? '↑' : '↓'}</span>
        <h3 id={titleId} className='transfer-title'>{t.direction === 'send' ? `To ${name}` : `From ${name}`}</h3>
        <span className={`status status--${t.status}`}>{t.status === 'cancelled' && t.cancelledBy !== undefined ? (t.cancelledBy === 'here' ? 'Cancelled by you' : `Cancelled by ${name}`) : statusLabels[t.status]}</span>
      </div>
      {t.text !== undefined && <p className='transfer-text'><bdi>{t.text}</bdi></p>}
      {t.fileCount > 0 && (
        <div className='transfer-progress'>
          <progress value={t.bytesDone} max={Math.max(1, t.totalBytes)} aria-labelledby={titleId} aria-valuetext={`${percent(t.bytesDone, t.totalBytes)} %`} />
          <p className='transfer-numbers'>
            {formatBytes(t.bytesDone)} of {formatBytes(t.totalBytes)}
            {t.status === 'running' && <> · {formatRate(t.rate)} · {formatDuration(t.etaSeconds)} left</>}
          </p>
        </div>
      )}
      {t.reconnecting !== undefined && (
        <p className='transfer-reconnecting' role='status'>
          The connection was lost. Ferry reconnects by itself (attempt {t.reconnecting.attempt} of {t.reconnecting.of}) and goes on where it stopped.
        </p>
      )}
      {t.bytesResumed !== undefined && t.bytesResumed > 0 && (
        <p className='transfer-resumed' data-bytes-resumed={t.bytesResumed}>
          Resumed: {formatBytes(t.bytesResumed)} {t.direction === 'send' ? 'were already on the other device' : 'were already here'}, so
          only {formatBytes(Math.max(0, t.totalBytes - t.bytesResumed))} crossed again.
        </p>
      )}
      {t.error !== undefined && t.status !== 'cancelled' && <p className='error'>{messageFor(t.error)}</p>}
      <TransferOutcome transfer={t} name={name} />
      {t.fileCount > 0 && (
        <details className='transfer-files' open={t.fileCount <= 5}>
          <summary>{t.fileCount === 1 ? '1 file' : `${t.fileCount} files`}</summary>
          <ul>
            {shown.map((file) => (
              <li key={file.id} className={`file file--${file.status}`}>
                <span className='file-path'>{peerText(file.path)}</span>
                <progress value={file.bytesDone} max={Math.max(1, file.size)} aria-label={peerText(file.path)} />
                <span className='file-size'>{file.status === 'skipped' ? 'not taken' : formatBytes(file.size)}</span>
              </li>
            ))}
          </ul>
          {hidden > 0 && <p className='hint'>and {hidden} more</p>}
        </details>
      )}
      {t.skippedCount !== undefined && t.skippedCount > 0 && (
        <details className='transfer-skipped'>
          <summary>{t.skippedCount === 1 ? '1 entry left out' : `${t.skippedCount} entries left out`} (links, pipes, devices and the like)</summary>
          <ul>
            {(t.skipped ?? []).slice(0, 50).map((entry) => (
              <li key={entry.path}><span className='file-path'>{entry.path}</span> {SKIPPED[entry.reason]}{entry.detail === undefined ? '' : ` (${entry.detail})`}</li>
            ))}
          </ul>
        </details>
      )}
      <div className='transfer-actions'>
        {active && <button type='button' aria-describedby={titleId} onClick={() => { cancel(t.id).catch((err: unknown) => { reportError(err, 'Cancel') }) }}>Cancel</button>}
        {t.canRetry && !active && (
          <button type='button' aria-describedby={titleId} onClick={() => { retry(t.id).catch((err: unknown) => { reportError(err, 'Retry') }) }}>
            {retryLabel}
          </button>
        )}
        {!active && <button type='button' className='link-button' aria-label={`Dismiss ${t.direction === 'send' ? `to ${name}` : `from ${name}`}`} onClick={() => { dismiss([t.id]).catch((err: unknown) => { reportError(err, 'Dismiss') }) }}>Dismiss</button>}
      </div>
    </li>
  )
}
