// createFerryStore(api): the one UI store, a projection of the engine's state (STYLE.md rule 17). It subscribes
// to every FerryApi event first, then asks for a snapshot, which replaces everything when it arrives (ferry-api.ts
// explains why that order is right); after a bridge reconnects it asks again. Actions call the api; state changes
// come back as events. No module-level instance: the composition root (main.tsx, a test) makes one per api.

import { createStore, type StoreApi } from 'zustand/vanilla'
import { type FerryApi, type FerrySnapshot, toErrorDto } from '@ferry/api'
import { createErrorsSlice } from './errors-slice.ts'
import { applyHistoryEntry, createHistorySlice, MAX_HISTORY_ENTRIES, removeHistoryEntries } from './history-slice.ts'
import { applyOfferEvent, createOffersSlice } from './offers-slice.ts'
import { createPeersSlice } from './peers-slice.ts'
import { createSessionSlice } from './session-slice.ts'
import { createSettingsSlice } from './settings-slice.ts'
import { applyShareEvent, createSharesSlice } from './shares-slice.ts'
import type { FerryStoreState } from './store-types.ts'
import { applyTransferEvent, bounded, createTransfersSlice } from './transfers-slice.ts'

export interface FerryStore extends StoreApi<FerryStoreState> {
  /** Settles once the first snapshot was applied (or failed to load: see `phase` and `loadError`). */
  ready: Promise<void>
  /** Loads a fresh snapshot, e.g. after "Try again". */
  reload: () => Promise<void>
  /** Unsubscribes from the api; the store then stops changing. */
  dispose: () => void
}

function fromSnapshot (snapshot: FerrySnapshot): Partial<FerryStoreState> {
  return {
    device: snapshot.device,
    peers: snapshot.peers,
    transfers: bounded(snapshot.transfers),
    offers: snapshot.offers,
    shares: snapshot.shares,
    history: [...snapshot.history].sort((a, b) => b.at - a.at).slice(0, MAX_HISTORY_ENTRIES),
    settings: snapshot.settings
  }
}

export function createFerryStore (api: FerryApi): FerryStore {
  const store = createStore<FerryStoreState>()((...a) => ({
    ...createSessionSlice(api)(...a),
    ...createPeersSlice(api)(...a),
    ...createTransfersSlice(api)(...a),
    ...createOffersSlice(api)(...a),
    ...createSharesSlice(api)(...a),
    ...createHistorySlice(api)(...a),
    ...createSettingsSlice(api)(...a),
    ...createErrorsSlice()(...a)
  }))
  const { setState: set } = store

  const unsubscribes = [
    api.onPeers((peers) => { set({ peers }) }),
    api.onTransfer((event) => { set((s) => ({ transfers: applyTransferEvent(s.transfers, event) })) }),
    api.onOffer((event) => { set((s) => ({ offers: applyOfferEvent(s.offers, event) })) }),
    api.onShare((event) => { set((s) => ({ shares: applyShareEvent(s.shares, event) })) }),
    api.onHistory((entry) => { set((s) => ({ history: applyHistoryEntry(s.history, entry) })) }),
    api.onHistoryRemoved((event) => { set((s) => ({ history: removeHistoryEntries(s.history, event.entryIds) })) }),
    api.onSettings((settings) => { set({ settings }) }),
    api.onDevice((device) => { set({ device }) }),
    api.onError((event) => { store.getState().reportError(event.error, event.context) })
  ]

  // Each load supersedes the one before: a slow answer to an older getState() must not overwrite a newer one.
  let loadSeq = 0
  const reload = async (): Promise<void> => {
    const seq = ++loadSeq
    try {
      const snapshot = await api.getState()
      if (seq === loadSeq) set({ ...fromSnapshot(snapshot), phase: 'ready', loadError: null })
    } catch (err) {
      if (seq === loadSeq) set({ phase: store.getState().device === null ? 'failed' : 'ready', loadError: toErrorDto(err) })
    }
  }

  if (api.onConnection !== undefined) {
    let hasOpened = false
    unsubscribes.push(api.onConnection((connection) => {
      const reopened = connection === 'open' && hasOpened && store.getState().connection !== 'open'
      if (connection === 'open') hasOpened = true
      set({ connection })
      // Events sent while the link was down are lost: start over from a snapshot.
      if (reopened) void reload()
    }))
  }

  const ready = reload()
  return {
    ...store,
    ready,
    reload,
    dispose: () => { for (const unsubscribe of unsubscribes.splice(0)) unsubscribe() }
  }
}
