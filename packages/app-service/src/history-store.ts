// The record of finished transfers (FerryApi `HistoryEntry`), newest first, bounded to MAX_HISTORY entries and
// saved atomically to history.json so it survives restarts. A message's text is kept for textRetentionMs only (a
// Wi-Fi password sent once should not sit in History, and on disk, for good): then the entry stays without it.
// Entries can be deleted (FerryApi clearHistory).

import { join } from 'node:path'
import type { HistoryEntry } from '@ferry/api'
import { createSerialWriter, readJsonFile } from './json-file.ts'

export const HISTORY_FILE = 'history.json'
/** Entries kept; older ones are dropped when a new one is written. */
export const MAX_HISTORY = 500
/** How long the text of a message stays in History (and history.json), in ms: 24 hours. */
export const TEXT_RETENTION_MS = 24 * 60 * 60_000

export interface HistoryStoreOptions {
  /** Entries kept; default MAX_HISTORY. */
  max?: number
  /** How long a message's text is kept, in ms; default TEXT_RETENTION_MS. */
  textRetentionMs?: number
  /** Told of each entry whose text was just deleted (it is saved already). */
  onTextRemoved?: (entry: HistoryEntry) => void
  now?: () => number
}

export interface HistoryStore {
  /** Resolves when pending saves are on disk. */
  flush: () => Promise<void>
  list: () => HistoryEntry[]
  /** Adds or replaces an entry (by id) and saves; a message's text gets its textExpiresAt. Resolves with what was stored. */
  add: (entry: HistoryEntry) => Promise<HistoryEntry>
  /** Deletes the entries with these ids (all when omitted) and saves; resolves with the ids deleted. */
  remove: (ids?: readonly string[]) => Promise<string[]>
  /** Stops the timer that deletes texts. */
  close: () => void
}

/** setTimeout cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1

function looksLikeEntry (value: unknown): value is HistoryEntry {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.id === 'string' && typeof v.transferId === 'string' && typeof v.at === 'number' && Array.isArray(v.files)
}

export async function openHistoryStore (configDir: string, onError: (err: unknown) => void, options: HistoryStoreOptions = {}): Promise<HistoryStore> {
  const max = options.max ?? MAX_HISTORY
  const retention = options.textRetentionMs ?? TEXT_RETENTION_MS
  const now = options.now ?? Date.now
  const file = join(configDir, HISTORY_FILE)
  const stored = await readJsonFile(file)
  let entries: HistoryEntry[] = Array.isArray(stored) ? stored.filter(looksLikeEntry).slice(0, max) : []
  const writer = createSerialWriter(file, onError)
  let timer: NodeJS.Timeout | undefined
  let closed = false

  /** Deletes every text whose time is up, saves, and waits for the next one. */
  const sweep = (): void => {
    clearTimeout(timer)
    if (closed) return
    const at = now()
    const removed: HistoryEntry[] = []
    entries = entries.map((entry) => {
      if (entry.text === undefined) return entry
      // Entries written before texts expired (or by hand) get their time from when they were recorded.
      const expiresAt = entry.textExpiresAt ?? entry.at + retention
      if (expiresAt > at) return entry.textExpiresAt === undefined ? { ...entry, textExpiresAt: expiresAt } : entry
      const { text: _text, textExpiresAt: _until, ...rest } = entry
      const kept: HistoryEntry = { ...rest, textRemoved: true }
      removed.push(kept)
      return kept
    })
    if (removed.length > 0) {
      void writer.save(entries)
      for (const entry of removed) options.onTextRemoved?.({ ...entry })
    }
    const next = Math.min(...entries.map((e) => e.textExpiresAt ?? Infinity))
    if (Number.isFinite(next)) {
      timer = setTimeout(sweep, Math.min(MAX_TIMER_MS, Math.max(0, next - now())))
      timer.unref()
    }
  }
  sweep()

  return {
    flush: writer.flush,
    list: () => entries.map((e) => ({ ...e })),
    add: async (entry) => {
      const kept: HistoryEntry = entry.text === undefined ? entry : { ...entry, textExpiresAt: entry.textExpiresAt ?? entry.at + retention }
      entries = [kept, ...entries.filter((e) => e.id !== entry.id)].slice(0, max)
      await writer.save(entries)
      if (kept.text !== undefined) sweep()
      return { ...kept }
    },
    remove: async (ids) => {
      const gone = entries.filter((e) => ids === undefined || ids.includes(e.id)).map((e) => e.id)
      if (gone.length === 0) return []
      entries = entries.filter((e) => !gone.includes(e.id))
      await writer.save(entries)
      return gone
    },
    close: () => {
      closed = true
      clearTimeout(timer)
    }
  }
}
