// History slice: finished transfers, newest first, bounded to MAX_HISTORY_ENTRIES in memory (the host keeps
// the full record on disk); entries leave when the host deletes them (onHistoryRemoved).

import type { FerryApi, HistoryEntry } from '@ferry/api'
import type { SliceCreator } from './store-types.ts'

export const MAX_HISTORY_ENTRIES = 500

export interface HistorySlice {
  history: HistoryEntry[]
  /** Deletes entries on the host (all without ids); they leave the list when the host says so. */
  clearHistory: (entryIds?: string[]) => Promise<void>
}

export function removeHistoryEntries (history: HistoryEntry[], entryIds: readonly string[]): HistoryEntry[] {
  const gone = new Set(entryIds)
  return history.filter((h) => !gone.has(h.id))
}

export function applyHistoryEntry (history: HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  return [entry, ...history.filter((h) => h.id !== entry.id)]
    .sort((a, b) => b.at - a.at)
    .slice(0, MAX_HISTORY_ENTRIES)
}

export const createHistorySlice = (api: FerryApi): SliceCreator<HistorySlice> => () => ({
  history: [],
  clearHistory: async (entryIds) => { await api.clearHistory(entryIds) }
})
