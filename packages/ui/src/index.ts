// @ferry/ui: Ferry's user interface (React + zustand). It talks only to the FerryApi contract (@ferry/api); hosts
// give it one: Electron's preload (window.ferry), the `ferry ui` WebSocket bridge (@ferry/api's ws-client.ts), or
// the in-memory fake for tests and the demo page. No Node built-ins, no Electron, no engine code at run time.

export { createFerryStore, type FerryStore } from './store/ferry-store.ts'
export type { FerryStoreState } from './store/store-types.ts'
export { App } from './app/App.tsx'
export { FerryProvider, useFerry } from './app/ferry-context.tsx'
export { createDropResolver } from './app/drop-resolver.ts'
export { mountFerryUi, type MountOptions } from './app/mount.tsx'
export { discoverHost, type HostKind } from './app/discover-host.ts'
export type { DemoControls } from './components/Banners.tsx'
export { errorMessages, messageFor } from './messages.ts'
