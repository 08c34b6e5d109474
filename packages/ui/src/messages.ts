// What the UI says when something fails: one sentence a person understands for every stable error code
// (p2p-core's errors.ts and docs/protocol.md, http-share's errors.ts, and the FerryApi layer's api-error.ts).
// The UI matches on `code` only; the engine's English `message` is kept as detail for unknown codes.
// test/messages.test.tsx checks that every code the engine defines has a sentence here.

import { apiErrorCodes, type FerryErrorDto } from '@ferry/api'

export const errorMessages: Readonly<Record<string, string>> = {
  // discover
  FERRY_ERR_UNREACHABLE: 'Ferry couldn’t reach that device. Check that it is on, running Ferry and on the same network.',
  FERRY_ERR_PEER_NOT_FOUND: 'No device with that name or code was found on the network.',
  FERRY_ERR_PEER_AMBIGUOUS: 'More than one device has that name. Pick it by its short code instead.',
  FERRY_ERR_BAD_ADDRESS: 'That isn’t a device address. Give it as HOST:PORT, as the other device shows it, or paste its ferry:// link.',
  // handshake
  FERRY_ERR_IDENTITY_MISMATCH: 'A different device answered at that address, so Ferry stopped before sending anything. If the device was reinstalled, add it again; otherwise someone may be impersonating it.',
  FERRY_ERR_PROTOCOL_VERSION: 'That device runs a Ferry version that can’t talk to this one. Update Ferry on both devices.',
  FERRY_ERR_TOO_MANY_SESSIONS: 'That device is busy with other transfers from this computer. Try again when one has finished.',
  FERRY_ERR_BUSY: 'That device is busy with too many connections or offers right now. Try again in a moment.',
  FERRY_ERR_PAIRING_FAILED: 'Pairing failed: the PIN didn’t match. Check the PIN shown on the other device and try again.',
  FERRY_ERR_PAIRING_RATE_LIMITED: 'Too many wrong PINs. Wait a minute before trying to pair again.',
  // offer
  FERRY_ERR_PEER_DECLINED: 'The other device declined the transfer.',
  FERRY_ERR_OFFER_TOO_LARGE: 'That’s more files (or a longer message) than the other device accepts at once. Send fewer at a time.',
  FERRY_ERR_NO_SPACE: 'The receiving device doesn’t have enough free disk space for these files.',
  FERRY_ERR_INVALID_PATH: 'A file name in this transfer isn’t allowed (for example “..”, a reserved name, or two names that differ only in case). Rename it and try again.',
  FERRY_ERR_FRAME_TOO_LARGE: 'The other device sent a message that is too large. It may run an incompatible or faulty version of Ferry.',
  FERRY_ERR_BAD_FRAME: 'The other device sent something Ferry couldn’t understand. It may run an incompatible or faulty version of Ferry.',
  FERRY_ERR_NOTHING_TO_SEND: 'There is nothing to send. Choose at least one file or folder, or type a message.',
  FERRY_ERR_SOURCE_NOT_FOUND: 'A file you chose to send no longer exists or can’t be read.',
  FERRY_ERR_LISTEN_FAILED: 'Ferry couldn’t listen for other devices on that address and port. Another program may be using the port.',
  FERRY_ERR_IDENTITY_FILE: 'This device’s key in Ferry’s settings folder can’t be read or written. Check that folder, or move the key away to make a new one.',
  // transfer
  FERRY_ERR_CANCELLED: 'The transfer was cancelled.',
  FERRY_ERR_CONNECTION_LOST: 'The connection to the other device was lost. What arrived is kept, so sending again continues where it stopped.',
  FERRY_ERR_TIMEOUT: 'The other device stopped responding.',
  FERRY_ERR_DISK: 'A received file couldn’t be written to disk. Check the download folder and free space.',
  FERRY_ERR_UNSAFE_PATH: 'A folder in the way is a link or a file, so nothing was saved through it. Rename it, or choose another download folder.',
  FERRY_ERR_SOURCE_CHANGED: 'A file changed while it was being sent. Retry to send the current version.',
  FERRY_ERR_REMOTE: 'The other device reported a problem Ferry doesn’t recognise. It may run a newer version.',
  // verify
  FERRY_ERR_HASH_MISMATCH: 'A file arrived damaged (its checksum didn’t match), so it was not saved. Retry the transfer.',
  FERRY_ERR_SAVED_FILE_MISMATCH: 'A file the other device saved from you earlier has the same size and date but other content, so it was left as it is. Retry to send it whole.',
  // share links (http-share)
  FERRY_ERR_SHARE_NOT_FOUND: 'That share link doesn’t exist any more.',
  FERRY_ERR_SHARE_EXPIRED: 'That share link has expired.',
  FERRY_ERR_SHARE_REVOKED: 'That share link was turned off.',
  FERRY_ERR_SHARE_PIN_REQUIRED: 'This share link needs its PIN.',
  FERRY_ERR_SHARE_WRONG_PIN: 'Wrong PIN for this share link.',
  FERRY_ERR_SHARE_RATE_LIMITED: 'Too many wrong PINs for this share link. Wait before trying again.',
  FERRY_ERR_SHARE_HOST_REFUSED: 'The share server refused a request addressed to an unknown host name.',
  FERRY_ERR_SHARE_ORIGIN_REFUSED: 'The share server refused a connection from another website.',
  FERRY_ERR_SHARE_TOO_MANY_CONNECTIONS: 'Too many people are using this share link right now. Try again shortly.',
  FERRY_ERR_SHARE_FILE_NOT_FOUND: 'That file isn’t part of the share.',
  FERRY_ERR_SHARE_FILE_REPLACED: 'That file was replaced on the sharing computer after it was shared.',
  FERRY_ERR_SHARE_RANGE: 'A download asked for part of a file that doesn’t exist.',
  FERRY_ERR_SHARE_BUSY: 'The share server is busy. Try again shortly.',
  FERRY_ERR_SHARE_UPLOADS_DISABLED: 'This share link doesn’t accept uploads.',
  FERRY_ERR_SHARE_UPLOAD_TOO_LARGE: 'An upload to this share link was larger than allowed.',
  FERRY_ERR_SHARE_UPLOAD_DECLINED: 'The upload was declined.',
  FERRY_ERR_SHARE_UPLOAD_PROTOCOL: 'An upload to this share link broke off because the browser sent something unexpected.',
  FERRY_ERR_SHARE_BAD_REQUEST: 'The share server got a request it couldn’t understand.',
  FERRY_ERR_SHARE_INTERNAL: 'Something went wrong in the share server.',
  FERRY_ERR_SHARE_LIMIT: 'That share is too big, or there are too many shares open. Share fewer files or revoke an old link.',
  // the FerryApi layer
  [apiErrorCodes.invalidArgument]: 'Ferry refused that request because a value was missing or out of range.',
  [apiErrorCodes.badAddress]: 'That isn’t an address Ferry understands. Type HOST:PORT, HOST:PORT/DEVICE-ID (as “ferry receive” prints it) or paste a ferry:// link.',
  [apiErrorCodes.notFound]: 'That item is no longer there. It may have finished or been removed in the meantime.',
  [apiErrorCodes.notOpenable]: 'Ferry opens only files it received, and never runs programs. Use “Show in folder” instead.',
  [apiErrorCodes.saveFailed]: 'Ferry could not save its settings or device list. Check that the disk is not full.',
  [apiErrorCodes.unsupported]: 'This isn’t possible here: the app running Ferry can’t do that.',
  [apiErrorCodes.dropTooLarge]: 'That’s more than Ferry copies from a drop in the browser. Choose the files with “Send files…” instead: nothing is copied then.',
  [apiErrorCodes.unreadable]: 'Ferry may not open that folder on this computer (no permission). Choose another one.',
  [apiErrorCodes.disconnected]: 'The connection to Ferry was lost. It will reconnect on its own; try again in a moment.',
  [apiErrorCodes.unauthorized]: 'Ferry refused this page. Open the address “ferry ui” printed again.',
  [apiErrorCodes.internal]: 'Something went wrong inside Ferry.'
}

/** The sentence for an error: by code, else a generic one that keeps the engine's own words and code. */
export function messageFor (error: Pick<FerryErrorDto, 'code' | 'message'>): string {
  const known = errorMessages[error.code]
  if (known !== undefined) return known
  const detail = error.message.trim() === '' ? '' : ` (${error.message.trim().replace(/\.$/, '')})`
  return `Something went wrong${detail}. Error code: ${error.code}.`
}
