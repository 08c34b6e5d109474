// The device identity: a persistent Ed25519 key in Ferry's config directory. The device id is its libp2p peer id,
// which the QUIC TLS handshake proves on every connection; the short code is a human-checkable digest of it.

import { link, mkdir, open, readFile, unlink } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { IdentityFileError } from '../errors.ts'
import { blake3 } from '../hash/blake3.ts'

export const IDENTITY_FILE = 'identity.key'

export interface Identity {
  privateKey: PrivateKey
  /** libp2p peer id (base58), the device id. */
  peerId: string
  /** A short code a person can read aloud and compare on both screens, e.g. `K7Q2-9MXD`. */
  shortCode: string
}

/**
 * Loads the identity from `configDir`, creating the key (mode 0600) on first use. A key file that cannot be read or
 * is not a key (truncated, a folder, a link to nowhere) is an IdentityFileError naming the file; it is never
 * replaced, since a new key is a new device to everyone who trusts this one.
 */
export async function loadOrCreateIdentity (configDir: string, options: { signal?: AbortSignal } = {}): Promise<Identity> {
  const file = join(configDir, IDENTITY_FILE)
  const stage = { creating: false }
  try {
    return await loadOrCreate(configDir, file, stage, options)
  } catch (err) {
    if (err instanceof IdentityFileError || (err as Error).name === 'AbortError') throw err
    const why = (err as Error).message
    throw new IdentityFileError(stage.creating
      ? `Cannot create this device's key in ${configDir} (${why}); make that folder writable, or use another config folder`
      : `${file} cannot be used as this device's key (${why}); move it away and Ferry makes a new key, which other ` +
        'devices then see as a new device', { cause: err })
  }
}

async function loadOrCreate (configDir: string, file: string, stage: { creating: boolean }, options: { signal?: AbortSignal }): Promise<Identity> {
  options.signal?.throwIfAborted()
  let bytes: Uint8Array | undefined
  try {
    bytes = await readFile(file, { signal: options.signal })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (bytes !== undefined) return identityFromKey(privateKeyFromProtobuf(bytes))
  stage.creating = true

  const key = await generateKeyPair('Ed25519')
  await mkdir(configDir, { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  const handle = await open(tmp, 'wx', 0o600)
  try {
    await handle.writeFile(privateKeyToProtobuf(key))
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    // link never replaces: if another process created the key meanwhile, that key wins and ours is dropped.
    await link(tmp, file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    // Something is there already: another process's key, or a link to nowhere (which is then reported as the key).
    stage.creating = false
    return identityFromKey(privateKeyFromProtobuf(await readFile(file)))
  } finally {
    await unlink(tmp).catch(() => {})
  }
  return identityFromKey(key)
}

/** A fresh identity kept in memory only (tests, throwaway devices). */
export async function generateIdentity (): Promise<Identity> {
  return identityFromKey(await generateKeyPair('Ed25519'))
}

export function identityFromKey (privateKey: PrivateKey): Identity {
  const peerId = peerIdFromPrivateKey(privateKey).toString()
  return { privateKey, peerId, shortCode: shortCodeFor(peerId) }
}

// Crockford base32 without I, L, O, U: no letters that read like digits.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** Eight characters (40 bits) of BLAKE3 over the peer id, shown as two groups of four. */
export function shortCodeFor (peerId: string): string {
  const digest = blake3(new TextEncoder().encode(peerId))
  let bits = 0n
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(digest[i] ?? 0)
  let code = ''
  for (let i = 0; i < 8; i++) {
    code = (ALPHABET[Number(bits & 31n)] ?? '') + code
    bits >>= 5n
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`
}
