// @ferry/app-service: Ferry's app layer behind FerryApi: the engine (p2p-core), share links (http-share), settings,
// history and peers, plus the WebSocket bridge `ferry ui` serves it through. Apps build one service in their
// composition root; policy (auto-accept, trust, settings) lives here, not in the engine.

export { createFerryService, type FerryService, type FerryServiceInit, type HostHooks } from './ferry-service.ts'
export { defaultSettings, SETTINGS_FILE } from './settings-store.ts'
export { HISTORY_FILE, MAX_HISTORY, TEXT_RETENTION_MS } from './history-store.ts'
export { defaultFolderBrowserLimits, type FolderBrowserLimits } from './folder-browser.ts'
export { argumentLimits } from './validate.ts'
export { attachWsBridge, createApiToken, WS_BRIDGE_PATH, WS_MAX_PAYLOAD, type WsBridge, type WsBridgeInit } from './ws-bridge.ts'
export { defaultWsBridgeLimits, type WsBridgeLimits } from './ws-outbox.ts'
export { loadWs, type WsModule, type WsSocket } from './ws-module.ts'
export * from './trust-and-discovery.ts'
