// Transfer ids: what `hello` carries and data streams name, random so no peer can guess another transfer's.

/** A random id of 16 url-safe characters (96 bits). */
export function randomId (): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('base64url')
}
