// Offers must be seen: the tab's title counts the offers waiting ("(2) Ferry"), so a background tab shows it in the
// tab strip, and each new offer raises a notification (see notifier.ts) while the page is in the background.

import { useEffect, useRef } from 'react'
import type { IncomingOfferDto } from '@ferry/api'
import { offerHeadline } from '../offer-summary.ts'
import type { Notifier } from './notifier.ts'

/** The title with the number of offers waiting in front of it. */
export function titleWithCount (base: string, waiting: number): string {
  return waiting > 0 ? `(${waiting}) ${base}` : base
}

/** `loaded`: the first snapshot has arrived (offers waiting in it were there before the user looked: no notification). */
export function useOfferAttention (offers: readonly IncomingOfferDto[], notifier: Notifier | undefined, loaded: boolean): void {
  const baseTitle = useRef<string | null>(null)
  const seen = useRef<Set<string> | null>(null)

  useEffect(() => {
    baseTitle.current ??= document.title === '' ? 'Ferry' : document.title
    document.title = titleWithCount(baseTitle.current, offers.length)
  }, [offers.length])
  useEffect(() => () => { if (baseTitle.current !== null) document.title = baseTitle.current }, [])

  useEffect(() => {
    if (!loaded) return
    // Offers already waiting when the page loaded were there before the user looked: only new ones notify.
    if (seen.current === null) {
      seen.current = new Set(offers.map((o) => o.id))
      return
    }
    const known = seen.current
    for (const offer of offers) {
      if (known.has(offer.id)) continue
      known.add(offer.id)
      if (notifier === undefined || !notifier.inBackground()) continue
      const { title, body } = offerHeadline(offer)
      notifier.notify({ title, body, tag: `ferry-offer-${offer.id}` }, () => {})
    }
    for (const id of known) if (!offers.some((o) => o.id === id)) known.delete(id)
  }, [offers, notifier, loaded])
}
