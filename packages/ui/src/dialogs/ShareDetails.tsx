// A share link as the owner needs it: the link to copy, its QR code, the PIN to tell, when it ends, who
// downloaded what, and Revoke. Reads the share from the store by id, so the download log updates live.

import type { ReactNode } from 'react'
import { useFerry } from '../app/ferry-context.tsx'
import { CopyButton } from '../components/CopyButton.tsx'
import { QrCode } from '../components/QrCode.tsx'
import { formatBytes, formatTime } from '../format.ts'

const statusText = { active: 'Active', expired: 'Expired', revoked: 'Revoked' }

/** "482913" as "482 913": easier to read out. */
export const spacedPin = (pin: string): string => pin.replace(/^(\d{3})(\d{3})$/, '$1 $2')

export function ShareDetails ({ shareId }: { shareId: string }): ReactNode {
  const share = useFerry((s) => s.shares.find((x) => x.id === shareId))
  const revoke = useFerry((s) => s.revokeShare)
  const reportError = useFerry((s) => s.reportError)
  if (share === undefined) return <p>This share is gone.</p>
  const [url, ...otherUrls] = share.urls
  const active = share.status === 'active'

  return (
    <div className='share-details'>
      <div className='share-main'>
        <div className='share-facts'>
          {url !== undefined && (
            <div className='field'>
              <label htmlFor={`link-${share.id}`}>Link</label>
              <div className='link-row'>
                <input id={`link-${share.id}`} readOnly value={url} onFocus={(event) => { event.target.select() }} />
                <CopyButton text={url} label='Copy link' />
              </div>
            </div>
          )}
          {share.pin !== undefined && (
            <p>PIN: <strong className='pin' aria-label={`PIN ${share.pin.split('').join(' ')}`}>{spacedPin(share.pin)}</strong></p>
          )}
          <p>
            <span className={`status status--share-${share.status}`}>{statusText[share.status]}</span>
            {active ? ` until ${formatTime(share.expiresAt)}` : ''} · {share.files.length === 1 ? '1 item' : `${share.files.length} items`}, {formatBytes(share.totalBytes)}
            {share.allowUpload ? ' · takes uploads' : ''}
          </p>
          {otherUrls.length > 0 && (
            <details>
              <summary>Other addresses of this computer</summary>
              <ul className='plain'>{otherUrls.map((u) => <li key={u}><code>{u}</code></li>)}</ul>
            </details>
          )}
        </div>
        {url !== undefined && active && <QrCode text={url} label='QR code of the share link: scan it with a phone camera' />}
      </div>
      <h3>Downloads</h3>
      {share.downloads.length === 0
        ? <p className='hint'>No downloads yet. They are listed here as they happen.</p>
        : (
          <ul className='download-log'>
            {share.downloads.map((d, index) => (
              <li key={`${d.at}-${index}`}>
                <span>{formatTime(d.at)}</span>
                <span className='file-path'>{d.path}</span>
                <span>{formatBytes(d.bytes)}{d.complete ? '' : ' (incomplete)'}</span>
                <span className='hint'>{d.remoteAddress}</span>
              </li>
            ))}
          </ul>
          )}
      {active && (
        <div className='dialog-actions'>
          <button type='button' className='danger' onClick={() => { revoke(share.id).catch((err: unknown) => { reportError(err, 'Revoke share') }) }}>Revoke link</button>
        </div>
      )}
    </div>
  )
}
