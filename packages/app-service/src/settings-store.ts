// The app's settings (FerryApi `Settings`): defaults, normalising what was stored, and saving atomically to
// settings.json in the config dir. The engine gets alias, port and filesInFlight from here when it starts.

import { homedir, hostname } from 'node:os'
import { join } from 'node:path'
import type { Settings } from '@ferry/api'
import { createSerialWriter, readJsonFile } from './json-file.ts'
import { isValidSettings } from './validate.ts'

export const SETTINGS_FILE = 'settings.json'

export function defaultSettings (downloadDir?: string): Settings {
  return {
    alias: [...hostname()].slice(0, 64).join('') || 'Ferry device',
    downloadDir: downloadDir ?? join(homedir(), 'Downloads', 'Ferry'),
    autoAcceptTrusted: false,
    port: 0,
    filesInFlight: 4,
    followLinks: false
  }
}

export interface SettingsStore {
  /** Resolves when pending saves are on disk. */
  flush: () => Promise<void>
  get: () => Settings
  /** Applies an already validated patch, saves, and resolves with the saved settings. */
  update: (patch: Partial<Settings>) => Promise<Settings>
}

export async function openSettingsStore (configDir: string, defaults: Settings, onError: (err: unknown) => void): Promise<SettingsStore> {
  const file = join(configDir, SETTINGS_FILE)
  const stored = await readJsonFile(file)
  let current: Settings = { ...defaults }
  if (typeof stored === 'object' && stored !== null) {
    // Keep each stored value only if the result is still valid: a hand-edited file cannot break the app.
    for (const [key, value] of Object.entries(stored)) {
      if (!Object.hasOwn(defaults, key)) continue
      const candidate = { ...current, [key]: value }
      if (isValidSettings(candidate)) current = candidate
    }
  }
  const writer = createSerialWriter(file, onError)
  return {
    flush: writer.flush,
    get: () => ({ ...current }),
    update: async (patch) => {
      current = { ...current, ...patch }
      await writer.save(current)
      return { ...current }
    }
  }
}
