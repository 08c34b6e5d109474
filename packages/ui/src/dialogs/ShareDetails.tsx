// A share link as the owner needs it: the link other devices reach (the first of the share's urls: the address of
// the default route's interface) with Copy and a QR code, every other address of this computer with its own Copy and
// QR code, the PIN to tell, when it ends, who downloaded what, and Revoke (after a confirmation). Reads the share
// from the store by id, so the download log updates live.

import { useState, type ReactNode } from 'react'
import { useFerry } from '../app/ferry-context.tsx'
import { ConfirmButton } from '../components/ConfirmButton.tsx'
import { CopyButton } from '../components/CopyButton.tsx'
import { QrCode } from '../components/QrCode.tsx'
import { formatBytes, formatTime, plural } from '../format.ts'

const statusText = { active: 'Active', expired: 'Expired', revoked: 'Revoked' }

/** "482913" as "482 913": easier to read out. */
export const spacedPin = (pin: string): string => pin.replace(/^(\d{3})(\d{3})$/, '$1 $2')

/** The host of a link, e.g. "192.168.1.10", to name an address in a button. */
const hostOf = (url: string): string => {
  try {
    return new URL(url).hostname
  } catch {
    return url
  }
}

/** Another address of this computer: its link, Copy, and a QR code on demand. */
function OtherAddress ({ url, active }: { url: string, active: boolean }): ReactNode {
  const [qr, setQr] = useState(false)
  const host = hostOf(url)
  return (
    <li className='other-address'>
      <div className='link-row'>
        <code className='grow'>{url}</code>
        <CopyButton text={url} label='Copy' ariaLabel={`Copy the link for ${host}`} />
        {active && (
          <button type='button' aria-expanded={qr} onClick={() => { setQr((shown) => !shown) }} aria-label={`${qr ? 'Hide' : 'Show'} the QR code for ${host}`}>
            {qr ? 'Hide QR' : 'QR code'}
          </button>
        )}
      </div>
      {qr && active && <QrCode text={url} label={`QR code of the link for ${host}`} />}
    </li>
  )
}

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
              <p className='hint'>Open it on a phone or computer on the same network, or scan the QR code.</p>
            </div>
          )}
          {share.pin !== undefined && (
            <p>PIN: <strong className='pin' aria-label={`PIN ${share.pin.split('').join(' ')}`}>{spacedPin(share.pin)}</strong></p>
          )}
          <p>
            <span className={`status status--share-${share.status}`}>{statusText[share.status]}</span>
            {active ? ` until ${formatTime(share.expiresAt)}` : ''} · {plural(share.files.length, 'item')}, {formatBytes(share.totalBytes)}
            {share.allowUpload ? ' · takes uploads' : ''}
          </p>
        </div>
        {url !== undefined && active && <QrCode text={url} label='QR code of the share link: scan it with a phone camera' />}
      </div>
      {otherUrls.length > 0 && (
        <section className='other-addresses' aria-label='Other addresses of this computer'>
          <h3>Other addresses of this computer</h3>
          <p className='hint'>If the link above does not open on the other device (another network, a VPN), try one of these.</p>
          <ul className='plain'>{otherUrls.map((u) => <OtherAddress key={u} url={u} active={active} />)}</ul>
        </section>
      )}
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
          <ConfirmButton
            label='Revoke link' className='danger' confirmLabel='Yes, revoke'
            question='Revoke this link? Nobody can open or download from it any more, and downloads under way stop.'
            onConfirm={() => { revoke(share.id).catch((err: unknown) => { reportError(err, 'Revoke share') }) }}
          />
        </div>
      )}
    </div>
  )
}
