// The record of finished transfers (FerryApi `HistoryEntry`), newest first, bounded to MAX_HISTORY entries and
// saved atomically to history.json so it survives restarts.

import { join } from 'node:path'
import type { HistoryEntry } from '@ferry/api'
import { createSerialWriter, readJsonFile } from './json-file.ts'

export const HISTORY_FILE = 'history.json'
/** Entries kept; older ones are dropped when a new one is written. */
export const MAX_HISTORY = 500

export interface HistoryStore {
  /** Resolves when pending saves are on disk. */
  flush: () => Promise<void>
  list: () => HistoryEntry[]
  /** Adds or replaces an entry (by id) and saves. */
  add: (entry: HistoryEntry) => Promise<void>
}

function looksLikeEntry (value: unknown): value is HistoryEntry {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.id === 'string' && typeof v.transferId === 'string' && typeof v.at === 'number' && Array.isArray(v.files)
}

export async function openHistoryStore (configDir: string, onError: (err: unknown) => void, max = MAX_HISTORY): Promise<HistoryStore> {
  const file = join(configDir, HISTORY_FILE)
  const stored = await readJsonFile(file)
  let entries: HistoryEntry[] = Array.isArray(stored) ? stored.filter(looksLikeEntry).slice(0, max) : []
  const writer = createSerialWriter(file, onError)
  return {
    flush: writer.flush,
    list: () => entries.map((e) => ({ ...e })),
    add: async (entry) => {
      entries = [entry, ...entries.filter((e) => e.id !== entry.id)].slice(0, max)
      await writer.save(entries)
    }
  }
}
