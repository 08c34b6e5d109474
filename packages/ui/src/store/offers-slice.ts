// Offers slice: incoming offers waiting for this user, oldest first (the dialog shows the first). An offer leaves
// when the engine says so, or as soon as the user's answer was taken.

import type { FerryApi, IncomingOfferDto, OfferDecisionDto, OfferEvent } from '@ferry/api'
import type { SliceCreator } from './store-types.ts'

export interface OffersSlice {
  offers: IncomingOfferDto[]
  respondToOffer: (offerId: string, decision: OfferDecisionDto) => Promise<void>
}

export function applyOfferEvent (offers: IncomingOfferDto[], event: OfferEvent): IncomingOfferDto[] {
  if (event.type === 'removed') return offers.filter((o) => o.id !== event.offerId)
  const { offer } = event
  return offers.some((o) => o.id === offer.id) ? offers.map((o) => o.id === offer.id ? offer : o) : [...offers, offer]
}

export const createOffersSlice = (api: FerryApi): SliceCreator<OffersSlice> => (set) => ({
  offers: [],
  respondToOffer: async (offerId, decision) => {
    await api.respondToOffer(offerId, decision)
    set((state) => ({ offers: applyOfferEvent(state.offers, { type: 'removed', offerId, reason: 'answered' }) }))
  }
})
