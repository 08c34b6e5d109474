// @ferry/http-share: share links any browser can open. A ShareServer (express + ws) serves shared files with Range,
// ETag and a streamed zip, and takes browser uploads over a WebSocket with credit-based flow control, each offered to
// the app as an IncomingOffer first. The app builds one server in its composition root and decides every upload.

export { ShareServer, createShareServer, type AddShareOptions, type ShareInfo, type ShareServerEvents, type ShareServerInit } from './share-server.ts'
export * from './errors.ts'
export { defaultShareLimits, resolveShareLimits, type ShareLimits } from './limits.ts'
export type { DownloadEvent } from './routes/route-deps.ts'
export type { Manifest, ManifestFile } from './routes/manifest.ts'
export type { SkippedEntry } from './shared-files.ts'
export type { ShareOffer, UploadEndEvent } from './upload-session.ts'
export { UPLOAD_PROTOCOL, type ClientMessage, type OfferedUpload, type ServerMessage } from './upload-protocol.ts'
export { uploadFiles, type UploadFilesOptions, type UploadFilesResult } from './upload-client.ts'
export { terminalQr } from './qr.ts'
export { parseDuration } from './duration.ts'
export { sharePageFiles } from './routes/page.ts'
