// The FerryApi contract and its clients without any React: what the host side (Electron main and preload, the
// `ferry ui` server in apps/cli) may import to implement or bridge the contract. Meant to be published as the
// package's `./api` export (package.json `exports`), so Node never has to load the UI's .tsx files.

export * from './ferry-api.ts'
export { methodsOverCall, type RemoteCall } from './methods-over-call.ts'
export { ApiError, abortedError, apiErrorCodes, hasErrorCode, toErrorDto } from './api-error.ts'
export { apiSocketUrl, CLOSE_UNAUTHORIZED, createWsFerryApi, MAX_QUEUED_CALLS, type SocketLike, type WsClientInit, type WsFerryApi } from './ws-client.ts'
export { createFakeFerryApi, FakeFerryApi, type FakeCall, type FakeFerryInit } from './fake-ferry-api.ts'
export * from './fake-fixtures.ts'
