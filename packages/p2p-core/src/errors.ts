// Ferry's errors: one class per failure, each with a stable code that crosses IPC and the wire as
// `{ name, code, message }` and is matched on `code`. The table of codes is in docs/protocol.md.

export type FerryPhase = 'discover' | 'handshake' | 'offer' | 'transfer' | 'verify' | 'local'

export interface FerryErrorJson {
  name: string
  code: string
  message: string
}

export class FerryError extends Error {
  readonly code: string
  readonly phase: FerryPhase

  constructor (code: string, phase: FerryPhase, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'FerryError'
    this.code = code
    this.phase = phase
  }

  toJSON (): FerryErrorJson {
    return { name: this.name, code: this.code, message: this.message }
  }
}

/** Declares an error class with a fixed code, phase and default message. */
function defineError (name: string, code: string, phase: FerryPhase, defaultMessage: string) {
  const cls = class extends FerryError {
    static readonly code = code
    constructor (message: string = defaultMessage, options?: { cause?: unknown }) {
      super(code, phase, message, options)
      this.name = name
    }
  }
  Object.defineProperty(cls, 'name', { value: name })
  return cls
}

// discover
export const UnreachableError = defineError('UnreachableError', 'FERRY_ERR_UNREACHABLE', 'discover', 'The peer could not be reached')
export const PeerNotFoundError = defineError('PeerNotFoundError', 'FERRY_ERR_PEER_NOT_FOUND', 'discover', 'No device with that name or code was found on the network')
export const AmbiguousPeerError = defineError('AmbiguousPeerError', 'FERRY_ERR_PEER_AMBIGUOUS', 'discover', 'More than one device answers to that name')
export const BadAddressError = defineError('BadAddressError', 'FERRY_ERR_BAD_ADDRESS', 'discover', 'That is not HOST:PORT[/DEVICE_ID] nor a ferry:// link')
// handshake
export const IdentityMismatchError = defineError('IdentityMismatchError', 'FERRY_ERR_IDENTITY_MISMATCH', 'handshake', 'The peer presented a different identity than the one dialled')
export const ProtocolVersionError = defineError('ProtocolVersionError', 'FERRY_ERR_PROTOCOL_VERSION', 'handshake', 'The peer speaks an unsupported protocol version')
export const TooManySessionsError = defineError('TooManySessionsError', 'FERRY_ERR_TOO_MANY_SESSIONS', 'handshake', 'The peer has too many transfers open with this device')
export const BusyError = defineError('BusyError', 'FERRY_ERR_BUSY', 'handshake', 'The receiving device is busy with too many connections or offers; try again shortly')
export const PairingFailedError = defineError('PairingFailedError', 'FERRY_ERR_PAIRING_FAILED', 'handshake', 'Pairing failed: the PIN did not match')
export const PairingRateLimitedError = defineError('PairingRateLimitedError', 'FERRY_ERR_PAIRING_RATE_LIMITED', 'handshake', 'Too many wrong PINs: wait before trying to pair again')
// offer
export const PeerDeclinedError = defineError('PeerDeclinedError', 'FERRY_ERR_PEER_DECLINED', 'offer', 'The peer declined the transfer')
export const OfferTooLargeError = defineError('OfferTooLargeError', 'FERRY_ERR_OFFER_TOO_LARGE', 'offer', 'The offer exceeds a limit of the receiver')
export const InvalidPathError = defineError('InvalidPathError', 'FERRY_ERR_INVALID_PATH', 'offer', 'A file path in the offer is not allowed')
export const NoSpaceError = defineError('NoSpaceError', 'FERRY_ERR_NO_SPACE', 'offer', 'The receiving device has not enough free space for this transfer')
export const FrameTooLargeError = defineError('FrameTooLargeError', 'FERRY_ERR_FRAME_TOO_LARGE', 'offer', 'A protocol frame exceeds the maximum size')
export const BadFrameError = defineError('BadFrameError', 'FERRY_ERR_BAD_FRAME', 'offer', 'A protocol frame could not be understood')
export const NothingToSendError = defineError('NothingToSendError', 'FERRY_ERR_NOTHING_TO_SEND', 'local', 'Nothing to send: give at least one file, folder or text')
export const SourceNotFoundError = defineError('SourceNotFoundError', 'FERRY_ERR_SOURCE_NOT_FOUND', 'local', 'A file to send does not exist or cannot be read')
export const ListenFailedError = defineError('ListenFailedError', 'FERRY_ERR_LISTEN_FAILED', 'local', 'Ferry could not listen on that address and port')
export const IdentityFileError = defineError('IdentityFileError', 'FERRY_ERR_IDENTITY_FILE', 'local', 'The device key in the config folder cannot be read or written')
// transfer
export const CancelledError = defineError('CancelledError', 'FERRY_ERR_CANCELLED', 'transfer', 'The transfer was cancelled')
export const ConnectionLostError = defineError('ConnectionLostError', 'FERRY_ERR_CONNECTION_LOST', 'transfer', 'The connection to the peer was lost')
export const TimeoutError = defineError('TimeoutError', 'FERRY_ERR_TIMEOUT', 'transfer', 'The peer stopped responding')
export const DiskError = defineError('DiskError', 'FERRY_ERR_DISK', 'transfer', 'The file could not be written')
export const UnsafePathError = defineError('UnsafePathError', 'FERRY_ERR_UNSAFE_PATH', 'transfer', 'A folder on the way to a received file is a link or not a folder; nothing is written through it')
export const SourceChangedError = defineError('SourceChangedError', 'FERRY_ERR_SOURCE_CHANGED', 'transfer', 'A file changed while it was being sent')
export const RemoteError = defineError('RemoteError', 'FERRY_ERR_REMOTE', 'transfer', 'The peer reported an error')
// verify
export const HashMismatchError = defineError('HashMismatchError', 'FERRY_ERR_HASH_MISMATCH', 'verify', 'A received file did not match its BLAKE3 hash')
export const SavedFileMismatchError = defineError('SavedFileMismatchError', 'FERRY_ERR_SAVED_FILE_MISMATCH', 'verify', 'A file the receiver had saved already from this device is not the one sent now; it was left as it is, and sending again transfers it whole')

const byCode = new Map<string, new (message?: string, options?: { cause?: unknown }) => FerryError>([
  UnreachableError, PeerNotFoundError, AmbiguousPeerError, BadAddressError, IdentityMismatchError, ProtocolVersionError,
  TooManySessionsError, BusyError, PairingFailedError, PairingRateLimitedError, PeerDeclinedError,
  OfferTooLargeError, NoSpaceError, InvalidPathError, FrameTooLargeError, BadFrameError, NothingToSendError, SourceNotFoundError, ListenFailedError, IdentityFileError,
  CancelledError, ConnectionLostError, TimeoutError, DiskError, UnsafePathError, SourceChangedError, RemoteError, HashMismatchError,
  SavedFileMismatchError
].map((cls) => [cls.code, cls]))

/** Every stable error code, for documentation and for tests that compare it with docs/protocol.md. */
export const errorCodes: readonly string[] = [...byCode.keys()]

/** Rebuilds a typed error from its wire form; unknown codes become a RemoteError that keeps the code. */
export function errorFromJson (json: { name?: string, code: string, message: string }): FerryError {
  const cls = byCode.get(json.code)
  if (cls != null) return new cls(json.message)
  const err = new RemoteError(json.message)
  return Object.assign(err, { code: typeof json.code === 'string' ? json.code : RemoteError.code })
}

/** Turns anything thrown into a FerryError, keeping the original as `cause`. */
export function toFerryError (err: unknown, fallback: (message: string, options: { cause: unknown }) => FerryError): FerryError {
  if (err instanceof FerryError) return err
  const message = err instanceof Error ? err.message : String(err)
  return fallback(message, { cause: err })
}

/** Why a listen failed, by errno code (Node) or by the OS text quinn passes on (the QUIC engine has no code). */
const LISTEN_REASONS: ReadonlyArray<{ code: string, text: RegExp, reason: string }> = [
  { code: 'EADDRINUSE', text: /address already in use|os error 98/i, reason: 'the port is taken by another program (port 0 picks a free one)' },
  { code: 'EADDRNOTAVAIL', text: /address not available|cannot assign requested address|os error 99/i, reason: 'that address is not one of this computer' },
  { code: 'EACCES', text: /permission denied|os error 13/i, reason: 'this user may not listen on that port (port 0 picks a free one)' }
]

/**
 * A failed listen on `host:port` as a ListenFailedError saying why (the port taken, an address not of this
 * computer, a port this user may not use); anything else is returned as it was.
 */
export function toListenError (err: unknown, host: string, port: number): unknown {
  const code = (err as { code?: unknown } | undefined)?.code
  const message = err instanceof Error ? err.message : String(err)
  const known = LISTEN_REASONS.find((r) => r.code === code || r.text.test(message))
  if (known === undefined) return err
  const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
  return new ListenFailedError(`Cannot listen on ${where}: ${known.reason}`, { cause: err })
}
