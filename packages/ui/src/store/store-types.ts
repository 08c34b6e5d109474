// The shape of the one UI store: the slices put together. Each slice file owns its part of the state, the
// actions that ask the host for a change, and the pure functions that fold engine events into it.

import type { StateCreator } from 'zustand/vanilla'
import type { ErrorsSlice } from './errors-slice.ts'
import type { HistorySlice } from './history-slice.ts'
import type { OffersSlice } from './offers-slice.ts'
import type { PeersSlice } from './peers-slice.ts'
import type { SessionSlice } from './session-slice.ts'
import type { SettingsSlice } from './settings-slice.ts'
import type { SharesSlice } from './shares-slice.ts'
import type { TransfersSlice } from './transfers-slice.ts'

export type FerryStoreState = SessionSlice & PeersSlice & TransfersSlice & OffersSlice & SharesSlice & HistorySlice & SettingsSlice & ErrorsSlice

/** How each slice is built: from the whole store's set/get, so an action may touch another slice's state. */
export type SliceCreator<Slice> = StateCreator<FerryStoreState, [], [], Slice>
