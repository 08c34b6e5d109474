// Settings slice: the settings as the host last saved them; the form edits a copy and saves a patch.

import type { FerryApi, Settings } from '@ferry/api'
import type { SliceCreator } from './store-types.ts'

export interface SettingsSlice {
  settings: Settings | null
  saveSettings: (patch: Partial<Settings>) => Promise<Settings>
}

export const createSettingsSlice = (api: FerryApi): SliceCreator<SettingsSlice> => (set) => ({
  settings: null,
  saveSettings: async (patch) => {
    const settings = await api.updateSettings(patch)
    set({ settings })
    return settings
  }
})
