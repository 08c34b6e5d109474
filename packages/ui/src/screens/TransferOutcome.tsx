// What a finished transfer leaves the user with: the verified mark, where the files went (from the history entry
// the engine wrote for it), and the next step: Open (a single received file), Show in folder. A received file is
// opened and shown only as Ferry recorded it (the host checks again: open-policy.ts in app-service).

import type { ReactNode } from 'react'
import type { HistoryEntry, Transfer } from '@ferry/api'
import { useFerry } from '../app/ferry-context.tsx'
import { peerText, plural } from '../format.ts'

/**
 * The folder a transfer's files went into (or came from): the local path of its first file with as many trailing
 * parts taken off as its relative path has, so "Trip/a.jpg" saved at "/dl/Trip/a.jpg" gives "/dl".
 */
export function baseFolder (file: { path: string, localPath?: string }): string | undefined {
  const local = file.localPath
  if (local === undefined) return undefined
  const separator = local.includes('\\') && !local.includes('/') ? '\\' : '/'
  const parts = local.split(/[\\/]/)
  const depth = file.path.split('/').length
  if (parts.length <= depth) return undefined
  const folder = parts.slice(0, parts.length - depth).join(separator)
  return folder === '' ? separator : folder
}

export function TransferOutcome ({ transfer: t, name }: { transfer: Transfer, name: string }): ReactNode {
  const entry: HistoryEntry | undefined = useFerry((s) => s.history.find((h) => h.transferId === t.id && h.status === 'completed'))
  const openFile = useFerry((s) => s.openFile)
  const showInFolder = useFerry((s) => s.showInFolder)
  const reportError = useFerry((s) => s.reportError)
  if (t.status !== 'completed') return null
  const received = t.direction === 'receive'
  const files = entry?.files.filter((f) => f.localPath !== undefined) ?? []
  const first = files[0]
  const folder = first === undefined ? undefined : baseFolder(first)
  const run = (step: Promise<void>, context: string): void => { step.catch((err: unknown) => { reportError(err, context) }) }
  const taken = t.files.filter((f) => f.status !== 'skipped').length

  return (
    <div className='transfer-outcome'>
      {t.fileCount > 0 && (
        <p className='verified'>
          <span aria-hidden='true'>✓ </span>
          {received
            ? `${plural(taken, 'file')} received and verified (BLAKE3)`
            : `${plural(taken, 'file')} delivered: ${name} verified every one (BLAKE3)`}
          {received && folder !== undefined && <>, saved in <span className='file-path'>{folder}</span></>}
        </p>
      )}
      {t.fileCount === 0 && <p className='verified'><span aria-hidden='true'>✓ </span>{received ? 'Message received' : `Message delivered to ${name}`}</p>}
      {first?.localPath !== undefined && (
        <div className='row'>
          {received && files.length === 1 && (
            <button type='button' className='primary' aria-label={`Open ${peerText(first.path)}`} onClick={() => { run(openFile(first.localPath as string), 'Open file') }}>Open</button>
          )}
          <button type='button' aria-label={`Show ${peerText(first.path)} in its folder`} onClick={() => { run(showInFolder(first.localPath as string), 'Show in folder') }}>Show in folder</button>
        </div>
      )}
    </div>
  )
}
