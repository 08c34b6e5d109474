// An incoming offer: who (alias, short code, trust, identity warning), what (files with sizes and checkboxes,
// a text with Copy), and the answer: accept all, accept the checked files, or decline; optionally trusting the
// sender. Escape or × only puts the offer aside: it stays in the queue until answered or withdrawn. It opens above
// any other dialog. Focus starts on Accept (on Decline when the offer is flagged: hidden folders, a changed
// identity), but an offer can pop up while someone is typing, so Enter or Space on it does nothing for the first
// OFFER_KEYS_ARM_MS: a key meant for something else never takes files.

import { useEffect, useId, useState, type KeyboardEvent, type ReactNode } from 'react'
import { type IncomingOfferDto, type OfferDecisionDto, toErrorDto } from '@ferry/api'
import { useFerry } from '../app/ferry-context.tsx'
import { CopyButton } from '../components/CopyButton.tsx'
import { Dialog } from '../components/Dialog.tsx'
import { IdentityWarning, TrustBadge } from '../components/TrustBadge.tsx'
import { formatBytes, formatClock, peerText } from '../format.ts'
import { isLocalSendPeer, LOCALSEND_NOTE } from '../localsend.ts'
import { messageFor } from '../messages.ts'
import { offerWhat, senderName } from '../offer-summary.ts'

/** Files listed with a checkbox; beyond that they are taken or left with "Accept all" / "Decline". */
export const MAX_OFFER_FILES_SHOWN = 200
/** How long after the dialog opens Enter and Space on its buttons are ignored, in ms (mouse clicks count at once). */
export const OFFER_KEYS_ARM_MS = 600

/** Enter and Space do nothing until `armed`: a key typed for something else as the dialog opened. */
function useArmedKeys (): (event: KeyboardEvent) => void {
  const [armed, setArmed] = useState(false)
  useEffect(() => {
    const timer = setTimeout(() => { setArmed(true) }, OFFER_KEYS_ARM_MS)
    return () => { clearTimeout(timer) }
  }, [])
  return (event) => { if (!armed && (event.key === 'Enter' || event.key === ' ')) event.preventDefault() }
}

export function OfferDialog ({ offer, onLater }: { offer: IncomingOfferDto, onLater: () => void }): ReactNode {
  const trustHintId = useId()
  const respond = useFerry((s) => s.respondToOffer)
  const shareName = useFerry((s) => offer.from.shareId === undefined ? undefined : s.shares.find((x) => x.id === offer.from.shareId)?.name)
  const [selected, setSelected] = useState<ReadonlySet<number>>(() => new Set(offer.files.map((f) => f.id)))
  const [trustIt, setTrustIt] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const guardKeys = useArmedKeys()
  const name = senderName(offer)
  const flagged = offer.hiddenPaths !== undefined || offer.identityChanged
  const files = offer.files
  const shown = files.slice(0, MAX_OFFER_FILES_SHOWN)
  const selectedBytes = files.reduce((sum, f) => selected.has(f.id) ? sum + f.size : sum, 0)
  const canTrust = offer.from.kind === 'device' && (offer.trust !== 'trusted' || offer.identityChanged)
  const what = offerWhat(offer)

  const answer = async (decision: OfferDecisionDto): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      await respond(offer.id, decision)
    } catch (err) {
      setError(messageFor(toErrorDto(err)))
      setBusy(false)
    }
  }
  const accept = (fileIds?: number[]): void => {
    void answer({ accept: true, ...(fileIds === undefined ? {} : { fileIds }), trust: canTrust && trustIt })
  }
  const toggle = (id: number): void => {
    setSelected((current) => {
      const next = new Set(current)
      if (!next.delete(id)) next.add(id)
      return next
    })
  }

  return (
    <Dialog title={`${name} wants to send you ${what}`} onClose={onLater} className='dialog--wide' layer='top'>
      <p className='offer-from'>
        {offer.from.shortCode !== undefined && <span className='code' title='Short code: compare it with the one on the sending device'>{offer.from.shortCode}</span>}
        {offer.from.kind === 'device' ? <TrustBadge trust={offer.trust} /> : <span className='badge'>{shareName === undefined ? 'Share link upload' : `Upload through your share link “${shareName}”`}</span>}
        {offer.from.kind === 'device' && isLocalSendPeer(offer.from.id) && <span className='badge badge--localsend'>LocalSend</span>}
        {files.length > 0 && <span>{formatBytes(offer.totalBytes)}</span>}
      </p>
      {offer.identityChanged && <IdentityWarning name={name} />}
      {offer.from.kind === 'device' && isLocalSendPeer(offer.from.id) && <p className='hint'>{LOCALSEND_NOTE}</p>}
      {offer.hiddenPaths !== undefined && (
        <p className='warning' role='note'>
          <span aria-hidden='true'>⚠ </span>
          {offer.hiddenPaths === 1 ? 'One file is hidden or goes into a hidden folder' : `${offer.hiddenPaths} files are hidden or go into hidden folders`} (marked
          “hidden” below). Saved into your home folder, files like .ssh or .config change how programs behave: accept them only if
          you expected them.
        </p>
      )}
      {offer.text !== undefined && (
        <section className='offer-text' aria-label='Message'>
          <p className='message'><bdi>{offer.text}</bdi></p>
          <CopyButton text={offer.text} />
        </section>
      )}
      {files.length > 0 && (
        <fieldset className='offer-files'>
          <legend>Files: {selected.size} of {files.length} selected ({formatBytes(selectedBytes)})</legend>
          <ul>
            {shown.map((file) => (
              <li key={file.id}>
                <label>
                  <input type='checkbox' checked={selected.has(file.id)} onChange={() => { toggle(file.id) }} />
                  <span className='file-path'>{peerText(file.path)}</span>
                  {file.hidden === true && <>{' '}<span className='badge'>hidden</span></>}
                </label>
                <span className='file-size'>{formatBytes(file.size)}</span>
              </li>
            ))}
          </ul>
          {files.length > shown.length && <p className='hint'>and {files.length - shown.length} more, taken with “Accept all”.</p>}
        </fieldset>
      )}
      {canTrust && (
        <label className='check'>
          <input type='checkbox' checked={trustIt} onChange={(event) => { setTrustIt(event.target.checked) }} aria-describedby={trustHintId} />
          <span>Trust this device</span>
        </label>
      )}
      {canTrust && <p id={trustHintId} className='hint'>A trusted device is marked as such, and with “Accept files from trusted devices without asking” in Settings its files arrive without a question.</p>}
      {offer.expiresAt !== undefined && <p className='hint'>Unanswered, it is declined by itself at {formatClock(offer.expiresAt)}.</p>}
      {error !== null && <p className='error' role='alert'>{error}</p>}
      <div className='dialog-actions'>
        <button type='button' disabled={busy} data-autofocus={flagged ? true : undefined} onKeyDown={guardKeys} onKeyUp={guardKeys} onClick={() => { void answer({ accept: false }) }}>Decline</button>
        <span className='spacer' />
        {files.length > 1 && (
          <button type='button' disabled={busy || selected.size === 0} onKeyDown={guardKeys} onKeyUp={guardKeys} onClick={() => { accept([...selected].sort((a, b) => a - b)) }}>
            Accept selected ({selected.size})
          </button>
        )}
        <button type='button' className='primary' disabled={busy} data-autofocus={flagged ? undefined : true} onKeyDown={guardKeys} onKeyUp={guardKeys} onClick={() => { accept() }}>
          {files.length > 1 ? 'Accept all' : 'Accept'}
        </button>
      </div>
    </Dialog>
  )
}
