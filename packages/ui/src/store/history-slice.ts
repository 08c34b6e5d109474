// History slice: finished transfers, newest first, bounded to MAX_HISTORY_ENTRIES in memory (the host keeps
// the full record on disk).

import type { HistoryEntry } from '@ferry/api'
import type { SliceCreator } from './store-types.ts'

export const MAX_HISTORY_ENTRIES = 500

export interface HistorySlice {
  history: HistoryEntry[]
}

export function applyHistoryEntry (history: HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  return [entry, ...history.filter((h) => h.id !== entry.id)]
    .sort((a, b) => b.at - a.at)
    .slice(0, MAX_HISTORY_ENTRIES)
}

export const createHistorySlice = (): SliceCreator<HistorySlice> => () => ({
  history: []
})
