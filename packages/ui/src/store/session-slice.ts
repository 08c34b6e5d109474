// Session slice: this device, whether the first snapshot has arrived, the bridge's link state, and the host's own
// services (native file dialogs, opening files), which belong to no engine object.

import type { CallOptions, ConnectionStatus, DeviceInfo, FerryApi, FerryErrorDto, FolderListing } from '@ferry/api'
import type { SliceCreator } from './store-types.ts'

export type LoadPhase = 'loading' | 'ready' | 'failed'

export interface SessionSlice {
  device: DeviceInfo | null
  phase: LoadPhase
  /** Why the last snapshot could not be loaded. */
  loadError: FerryErrorDto | null
  connection: ConnectionStatus
  pickFiles: (options?: CallOptions) => Promise<string[]>
  pickFolder: (options?: CallOptions) => Promise<string | null>
  listFolder: (path: string | null, options?: CallOptions) => Promise<FolderListing>
  openFile: (path: string) => Promise<void>
  showInFolder: (path: string) => Promise<void>
}

export const createSessionSlice = (api: FerryApi): SliceCreator<SessionSlice> => () => ({
  device: null,
  phase: 'loading',
  loadError: null,
  // A host without onConnection (IPC) is always connected; one with it reports its state on subscription.
  connection: api.onConnection === undefined ? 'open' : 'connecting',
  pickFiles: async (options) => await api.pickFiles(options),
  pickFolder: async (options) => await api.pickFolder(options),
  listFolder: async (path, options) => await api.listFolder(path, options),
  openFile: async (path) => { await api.openFile(path) },
  showInFolder: async (path) => { await api.showInFolder(path) }
})
