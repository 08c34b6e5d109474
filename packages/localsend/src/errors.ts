// LocalSend's failures as Ferry errors: one class each, a stable code (FERRY_ERR_LOCALSEND_*), and the HTTP status
// the LocalSend protocol gives it. The server answers a thrown error with its status and `{ message }` (the body
// LocalSend apps show); the client turns a peer's status back into the same class. docs/localsend.md has the table.

import { FerryError, type FerryPhase } from '@ferry/p2p-core'

export interface LocalSendErrorClass {
  new (message?: string, options?: { cause?: unknown }): FerryError
  readonly code: string
  readonly status: number
}

function defineError (name: string, code: string, phase: FerryPhase, status: number, defaultMessage: string): LocalSendErrorClass {
  const cls = class extends FerryError {
    static readonly code = code
    static readonly status = status
    constructor (message: string = defaultMessage, options?: { cause?: unknown }) {
      super(code, phase, message, options)
      this.name = name
    }
  }
  Object.defineProperty(cls, 'name', { value: name })
  return cls
}

// offer (prepare-upload and the requests before it)
export const LocalSendBadRequestError = defineError('LocalSendBadRequestError', 'FERRY_ERR_LOCALSEND_BAD_REQUEST', 'offer', 400, 'The LocalSend request is not valid')
export const LocalSendBodyTooLargeError = defineError('LocalSendBodyTooLargeError', 'FERRY_ERR_LOCALSEND_BODY_TOO_LARGE', 'offer', 413, 'The LocalSend request body is too large')
export const LocalSendTooManyFilesError = defineError('LocalSendTooManyFilesError', 'FERRY_ERR_LOCALSEND_TOO_MANY_FILES', 'offer', 413, 'The LocalSend offer has more files than this device takes at once')
export const LocalSendPinRequiredError = defineError('LocalSendPinRequiredError', 'FERRY_ERR_LOCALSEND_PIN_REQUIRED', 'offer', 401, 'The LocalSend device asks for a PIN (or the PIN was wrong)')
export const LocalSendPinRateLimitedError = defineError('LocalSendPinRateLimitedError', 'FERRY_ERR_LOCALSEND_PIN_RATE_LIMITED', 'offer', 429, 'Too many wrong PINs: wait before trying again')
export const LocalSendBusyError = defineError('LocalSendBusyError', 'FERRY_ERR_LOCALSEND_BUSY', 'offer', 409, 'The LocalSend device is busy with another transfer; try again when it is done')
export const LocalSendDeclinedError = defineError('LocalSendDeclinedError', 'FERRY_ERR_LOCALSEND_DECLINED', 'offer', 403, 'The LocalSend device declined the transfer')
// transfer (upload, cancel)
export const LocalSendForbiddenError = defineError('LocalSendForbiddenError', 'FERRY_ERR_LOCALSEND_FORBIDDEN', 'transfer', 403, 'Invalid token or IP address')
export const LocalSendSizeMismatchError = defineError('LocalSendSizeMismatchError', 'FERRY_ERR_LOCALSEND_SIZE_MISMATCH', 'transfer', 400, 'The upload did not have the size its offer declared')
export const LocalSendRemoteError = defineError('LocalSendRemoteError', 'FERRY_ERR_LOCALSEND_REMOTE', 'transfer', 500, 'The LocalSend device reported an error')
// verify
export const LocalSendChecksumError = defineError('LocalSendChecksumError', 'FERRY_ERR_LOCALSEND_CHECKSUM', 'verify', 422, 'The file arrived damaged: its SHA-256 does not match the sender\'s')
// handshake / local
export const LocalSendCertificateError = defineError('LocalSendCertificateError', 'FERRY_ERR_LOCALSEND_CERTIFICATE', 'handshake', 495, 'The LocalSend device presented another certificate than the one known for it')
export const LocalSendPortInUseError = defineError('LocalSendPortInUseError', 'FERRY_ERR_LOCALSEND_PORT_IN_USE', 'local', 500, 'The LocalSend port is taken by another program')

export const localSendErrors: readonly LocalSendErrorClass[] = [
  LocalSendBadRequestError, LocalSendBodyTooLargeError, LocalSendTooManyFilesError, LocalSendPinRequiredError,
  LocalSendPinRateLimitedError, LocalSendBusyError, LocalSendDeclinedError, LocalSendForbiddenError,
  LocalSendSizeMismatchError, LocalSendRemoteError, LocalSendChecksumError, LocalSendCertificateError, LocalSendPortInUseError
]

/** Every stable code of this package, for the docs test. */
export const localSendErrorCodes: readonly string[] = localSendErrors.map((cls) => cls.code)
