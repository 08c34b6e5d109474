// LocalSend devices (issue 18) are peers like any other; their id says what they are (`localsend:FINGERPRINT`).
// The UI marks them and says quietly what LocalSend does not have, rather than pretending it does.

export const isLocalSendPeer = (id: string): boolean => id.startsWith('localsend:')

/** What a transfer with a LocalSend device does not have, in one quiet sentence. */
export const LOCALSEND_NOTE = 'LocalSend device: transfers do not resume, files are checked with SHA-256 (when the device sends one) rather than BLAKE3, and it is known by its certificate, not a Ferry key.'
