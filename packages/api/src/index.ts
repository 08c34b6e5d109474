// @ferry/api: the one contract between Ferry's UI and its hosts (DESIGN.md). The UI talks to a FerryApi; Electron
// main serves one over IPC, `ferry ui` over a local WebSocket (ws-client.ts is the page's side). Plain TypeScript
// with no Node built-ins, no React and no DOM access at import time, so the browser, the renderer and Node all load
// it. Fakes, fixtures and the compliance suite are `@ferry/api/testing` and `@ferry/api/compliance`: the lint rule
// keeps them out of production code.

export * from './ferry-api.ts'
export { methodsOverCall, type RemoteCall } from './methods-over-call.ts'
export { ApiError, abortedError, apiErrorCodes, hasErrorCode, toErrorDto } from './api-error.ts'
export { apiSocketUrl, CLOSE_UNAUTHORIZED, createWsFerryApi, MAX_QUEUED_CALLS, type SocketLike, type WsClientInit, type WsFerryApi } from './ws-client.ts'
export { MAX_FINISHED_TRANSFERS, SNAPSHOT_HISTORY_ENTRIES } from './list-bounds.ts'
