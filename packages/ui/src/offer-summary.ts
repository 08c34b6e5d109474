// An offer in one line, the same wherever it is shown: the offer dialog's title and a browser notification.
// Names from another device are shown with their hidden formatting made visible (format.ts peerText).

import type { IncomingOfferDto } from '@ferry/api'
import { formatBytes, peerText, plural } from './format.ts'

/** Who sends: the device's alias, the visitor's name on a share link, or what we know of them. */
export function senderName (offer: Pick<IncomingOfferDto, 'from'>): string {
  const from = offer.from
  if (from.name !== undefined) return peerText(from.name)
  return from.kind === 'browser' ? 'A browser' : (from.shortCode ?? 'Unknown device')
}

/** "a message", "1 file", "3 files". */
export function offerWhat (offer: Pick<IncomingOfferDto, 'files' | 'text'>): string {
  return offer.files.length === 0 ? 'a message' : plural(offer.files.length, 'file')
}

/** A notification's title and body for an offer. */
export function offerHeadline (offer: IncomingOfferDto): { title: string, body: string } {
  const title = `${senderName(offer)} wants to send you ${offerWhat(offer)}`
  if (offer.files.length === 0) return { title, body: 'Open Ferry to read it.' }
  const first = peerText(offer.files[0]?.path ?? '')
  const rest = offer.files.length > 1 ? ` and ${plural(offer.files.length - 1, 'more file')}` : ''
  return { title, body: `${first}${rest} (${formatBytes(offer.totalBytes)})` }
}
