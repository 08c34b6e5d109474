// Share links: each with its state, link, PIN and downloads so far; open one for its QR code and log; Revoke asks first.

import { useState, type ReactNode } from 'react'
import { useFerry } from '../app/ferry-context.tsx'
import { ConfirmButton } from '../components/ConfirmButton.tsx'
import { EmptyState } from '../components/EmptyState.tsx'
import { ShareDialog } from '../dialogs/ShareDialog.tsx'
import { spacedPin } from '../dialogs/ShareDetails.tsx'
import { formatTime, plural } from '../format.ts'

export function SharesScreen (): ReactNode {
  const shares = useFerry((s) => s.shares)
  const revoke = useFerry((s) => s.revokeShare)
  const reportError = useFerry((s) => s.reportError)
  const [dialog, setDialog] = useState<{ shareId?: string } | null>(null)

  return (
    <section className='screen' aria-labelledby='shares-title'>
      <div className='screen-head'>
        <h2 id='shares-title'>Share links</h2>
        <button type='button' className='primary' onClick={() => { setDialog({}) }}>New share link…</button>
      </div>
      {shares.length === 0
        ? (
          <EmptyState title='No share links'>
            <p>A share link lets anyone on your network download files in a web browser, without installing Ferry. You choose how long it works and can protect it with a PIN.</p>
          </EmptyState>
          )
        : (
          <ul className='share-list'>
            {shares.map((share) => (
              <li key={share.id} className={`share share--${share.status}`} aria-labelledby={`share-name-${share.id}`}>
                <h3 id={`share-name-${share.id}`} className='share-name'>{share.name}</h3>
                <p className='share-meta'>
                  {share.status === 'active' ? `Active until ${formatTime(share.expiresAt)}` : share.status === 'expired' ? 'Expired' : 'Revoked'}
                  {share.pin !== undefined && <> · PIN {spacedPin(share.pin)}</>}
                  {' · '}{plural(share.downloads.length, 'download')}
                </p>
                {share.urls[0] !== undefined && <p><code>{share.urls[0]}</code></p>}
                <div className='row'>
                  <button type='button' aria-describedby={`share-name-${share.id}`} onClick={() => { setDialog({ shareId: share.id }) }}>Details and QR code</button>
                  {share.status === 'active' && (
                    <ConfirmButton
                      label='Revoke' className='danger' describedBy={`share-name-${share.id}`} confirmLabel='Yes, revoke'
                      question='Revoke this link? Nobody can open it any more.'
                      onConfirm={() => { revoke(share.id).catch((err: unknown) => { reportError(err, 'Revoke share') }) }}
                    />
                  )}
                </div>
              </li>
            ))}
          </ul>
          )}
      {dialog !== null && <ShareDialog {...dialog} onClose={() => { setDialog(null) }} />}
    </section>
  )
}
