// Share-link errors: one class per failure, each with a stable `FERRY_ERR_SHARE_*` code in the style of p2p-core's
// errors.ts, plus the HTTP status a route answers with. They reach the browser as `{ error: { name, code, message } }`
// (HTTP) or `{ type: 'error', code, message }` (upload socket). The table of codes is in docs/http-share.md.

import {
  CancelledError, ConnectionLostError, DiskError, FerryError, HashMismatchError, InvalidPathError, SourceChangedError,
  SourceNotFoundError, TimeoutError, UnsafePathError, errorFromJson, type FerryPhase
} from '@ferry/p2p-core'

export class ShareError extends FerryError {
  /** The HTTP status a request failing with this error gets. */
  readonly status: number

  constructor (code: string, phase: FerryPhase, status: number, message: string, options?: { cause?: unknown }) {
    super(code, phase, message, options)
    this.name = 'ShareError'
    this.status = status
  }
}

type ShareErrorClass = (new (message?: string, options?: { cause?: unknown }) => ShareError) & { code: string, status: number }

function defineShareError (name: string, code: string, phase: FerryPhase, status: number, defaultMessage: string): ShareErrorClass {
  const cls = class extends ShareError {
    static readonly code = code
    static readonly status = status
    constructor (message: string = defaultMessage, options?: { cause?: unknown }) {
      super(code, phase, status, message, options)
      this.name = name
    }
  }
  Object.defineProperty(cls, 'name', { value: name })
  return cls
}

// handshake: reaching a share at all
export const ShareNotFoundError = defineShareError('ShareNotFoundError', 'FERRY_ERR_SHARE_NOT_FOUND', 'handshake', 404, 'This share does not exist or was revoked')
export const ShareExpiredError = defineShareError('ShareExpiredError', 'FERRY_ERR_SHARE_EXPIRED', 'handshake', 410, 'This share has expired')
export const ShareRevokedError = defineShareError('ShareRevokedError', 'FERRY_ERR_SHARE_REVOKED', 'handshake', 410, 'This share was revoked')
export const PinRequiredError = defineShareError('PinRequiredError', 'FERRY_ERR_SHARE_PIN_REQUIRED', 'handshake', 401, 'This share needs its PIN')
export const WrongPinError = defineShareError('WrongPinError', 'FERRY_ERR_SHARE_WRONG_PIN', 'handshake', 403, 'Wrong PIN')
export const TooManyPinAttemptsError = defineShareError('TooManyPinAttemptsError', 'FERRY_ERR_SHARE_RATE_LIMITED', 'handshake', 429, 'Too many wrong PINs; try again later')
export const HostRefusedError = defineShareError('HostRefusedError', 'FERRY_ERR_SHARE_HOST_REFUSED', 'handshake', 421, 'This server does not answer to that host name')
export const OriginRefusedError = defineShareError('OriginRefusedError', 'FERRY_ERR_SHARE_ORIGIN_REFUSED', 'handshake', 403, 'WebSocket from another origin refused')
export const TooManyConnectionsError = defineShareError('TooManyConnectionsError', 'FERRY_ERR_SHARE_TOO_MANY_CONNECTIONS', 'handshake', 503, 'Too many connections to this share')
// transfer: downloads
export const FileNotInShareError = defineShareError('FileNotInShareError', 'FERRY_ERR_SHARE_FILE_NOT_FOUND', 'transfer', 404, 'No such file in this share')
export const FileReplacedError = defineShareError('FileReplacedError', 'FERRY_ERR_SHARE_FILE_REPLACED', 'transfer', 410, 'This file was replaced on the sharing computer after it was shared')
export const RangeNotSatisfiableError = defineShareError('RangeNotSatisfiableError', 'FERRY_ERR_SHARE_RANGE', 'transfer', 416, 'The requested range is outside the file')
export const ShareBusyError = defineShareError('ShareBusyError', 'FERRY_ERR_SHARE_BUSY', 'transfer', 503, 'The server is busy; try again shortly')
// offer: uploads
export const UploadsDisabledError = defineShareError('UploadsDisabledError', 'FERRY_ERR_SHARE_UPLOADS_DISABLED', 'offer', 403, 'This share does not take uploads')
export const UploadTooLargeError = defineShareError('UploadTooLargeError', 'FERRY_ERR_SHARE_UPLOAD_TOO_LARGE', 'offer', 413, 'The upload exceeds a limit of this share')
export const UploadDeclinedError = defineShareError('UploadDeclinedError', 'FERRY_ERR_SHARE_UPLOAD_DECLINED', 'offer', 403, 'The computer declined the upload')
export const UploadProtocolError = defineShareError('UploadProtocolError', 'FERRY_ERR_SHARE_UPLOAD_PROTOCOL', 'transfer', 400, 'The upload broke the upload protocol')
export const BadRequestError = defineShareError('BadRequestError', 'FERRY_ERR_SHARE_BAD_REQUEST', 'transfer', 400, 'The request could not be understood')
export const ShareInternalError = defineShareError('ShareInternalError', 'FERRY_ERR_SHARE_INTERNAL', 'local', 500, 'Something went wrong on the sharing computer')
// local: the app asked for something this server will not hold
export const ShareLimitError = defineShareError('ShareLimitError', 'FERRY_ERR_SHARE_LIMIT', 'local', 500, 'The share exceeds a limit of this server')

const shareErrorClasses: readonly ShareErrorClass[] = [
  ShareNotFoundError, ShareExpiredError, ShareRevokedError, PinRequiredError, WrongPinError, TooManyPinAttemptsError,
  HostRefusedError, OriginRefusedError, TooManyConnectionsError, FileNotInShareError, FileReplacedError, RangeNotSatisfiableError,
  ShareBusyError, UploadsDisabledError, UploadTooLargeError, UploadDeclinedError, UploadProtocolError, BadRequestError,
  ShareInternalError, ShareLimitError
]

/** Every `FERRY_ERR_SHARE_*` code, for the docs test. */
export const shareErrorCodes: readonly string[] = shareErrorClasses.map((cls) => cls.code)

const byCode = new Map(shareErrorClasses.map((cls) => [cls.code, cls]))

/** Rebuilds a typed error from `{ code, message }`: a share error by its code, else whatever p2p-core makes of it. */
export function shareErrorFromJson (json: { code: string, message: string }): FerryError {
  const cls = byCode.get(json.code)
  return cls === undefined ? errorFromJson(json) : new cls(json.message)
}

/** p2p-core errors this package also raises, with the HTTP status they get here. */
const coreStatuses = new Map<string, number>([
  [InvalidPathError.code, 400],
  [SourceNotFoundError.code, 404],
  [SourceChangedError.code, 409],
  [HashMismatchError.code, 422],
  [TimeoutError.code, 408],
  [CancelledError.code, 499],
  [ConnectionLostError.code, 499],
  [DiskError.code, 507],
  [UnsafePathError.code, 409]
])

/** The codes from p2p-core that share links reuse, for the docs test. */
export const reusedCoreCodes: readonly string[] = [...coreStatuses.keys()]

/** The HTTP status for any error: its own for share errors, a fixed one for reused core errors, else 500. */
export function statusOf (err: unknown): number {
  if (err instanceof ShareError) return err.status
  if (err instanceof FerryError) return coreStatuses.get(err.code) ?? 500
  return 500
}
