// What the desktop app does when an offer arrives: with receiving off it declines at once (the app's policy, not
// the engine's: STYLE.md rule 6); otherwise, unless the window is in front, a system notification that opens it.

import type { FerryApi, IncomingOfferDto, Unsubscribe } from '@ferry/api'
import { Notification } from 'electron'

export interface OfferWatchInit {
  api: Pick<FerryApi, 'onOffer' | 'respondToOffer'>
  isReceiving: () => boolean
  /** Whether the user is looking at Ferry already (then the dialog in the UI is enough). */
  isWindowFocused: () => boolean
  /** Shows a notification; default: Electron's Notification, if the system supports it. */
  notify?: (title: string, body: string, onClick: () => void) => void
  openWindow: () => void
  /** A decline that failed (the offer went away meanwhile, usually). */
  onError?: (error: unknown) => void
}

export function offerNotificationText (offer: IncomingOfferDto): { title: string, body: string } {
  const who = offer.from.name ?? offer.from.shortCode ?? 'A device'
  if (offer.text !== undefined) return { title: `${who} sent you a message`, body: offer.text.slice(0, 200) }
  const count = offer.files.length
  const first = offer.files[0]?.path ?? ''
  const body = count === 1 ? first : `${first} and ${count - 1} more`
  return { title: `${who} wants to send you ${count === 1 ? 'a file' : `${count} files`}`, body }
}

export function electronNotify (title: string, body: string, onClick: () => void): void {
  if (!Notification.isSupported()) return
  const notification = new Notification({ title, body })
  notification.on('click', onClick)
  notification.show()
}

export function watchOffers (init: OfferWatchInit): Unsubscribe {
  const notify = init.notify ?? electronNotify
  return init.api.onOffer((event) => {
    if (event.type !== 'added') return
    const offer = event.offer
    if (!init.isReceiving()) {
      init.api.respondToOffer(offer.id, { accept: false }).catch((error: unknown) => { init.onError?.(error) })
      return
    }
    if (init.isWindowFocused()) return
    const { title, body } = offerNotificationText(offer)
    notify(title, body, init.openWindow)
  })
}
