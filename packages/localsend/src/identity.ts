// This device's LocalSend identity: a self-signed certificate and its key, kept in the config folder and made on
// first use. LocalSend devices know each other by the certificate's fingerprint: the SHA-256 of its DER, in
// uppercase hex. The same certificate serves HTTPS and is presented as the client certificate (mutual TLS, which
// the newer LocalSend apps require). RSA-2048 and `CN=LocalSend User`, as LocalSend's own apps make theirs.

import 'reflect-metadata' // @peculiar/x509 builds on tsyringe, which needs the Reflect metadata API
import { createHash, webcrypto, X509Certificate } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as x509 from '@peculiar/x509'

export const LOCALSEND_CERT_FILE = 'localsend-cert.pem'
export const LOCALSEND_KEY_FILE = 'localsend-key.pem'

/** How long a new certificate is valid, in days. */
export const CERT_VALIDITY_DAYS = 3650 * 3

export interface LocalSendIdentity {
  certPem: string
  keyPem: string
  /** SHA-256 of the certificate's DER, uppercase hex. */
  fingerprint: string
}

/** The LocalSend fingerprint of a certificate given as DER. */
export function fingerprintOf (der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase()
}

export async function generateLocalSendIdentity (): Promise<LocalSendIdentity> {
  // Node's WebCrypto is the provider; the library's parameter type is the DOM's Crypto, which Node's matches.
  const useProvider = x509.cryptoProvider.set.bind(x509.cryptoProvider) as (crypto: unknown) => void
  useProvider(webcrypto)
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])
  const notBefore = new Date(Date.now() - 24 * 3600_000)
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
    name: 'CN=LocalSend User',
    notBefore,
    notAfter: new Date(notBefore.getTime() + CERT_VALIDITY_DAYS * 24 * 3600_000),
    keys,
    signingAlgorithm: algorithm
  })
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey))
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`
  return { certPem: cert.toString('pem'), keyPem, fingerprint: fingerprintOf(new Uint8Array(cert.rawData)) }
}

/** Reads the identity from `dir`, or makes one and keeps it there (key readable by this user only). */
export async function loadOrCreateLocalSendIdentity (dir: string): Promise<LocalSendIdentity> {
  const certPath = join(dir, LOCALSEND_CERT_FILE)
  const keyPath = join(dir, LOCALSEND_KEY_FILE)
  try {
    const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')])
    return { certPem, keyPem, fingerprint: fingerprintOf(new X509Certificate(certPem).raw) }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const identity = await generateLocalSendIdentity()
  await mkdir(dir, { recursive: true, mode: 0o700 })
  // Key first, then the certificate: a certificate on disk always has its key beside it.
  await writeAtomically(keyPath, identity.keyPem, 0o600)
  await writeAtomically(certPath, identity.certPem, 0o644)
  return identity
}

async function writeAtomically (path: string, text: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, text, { mode, flag: 'wx' })
  await rename(temporary, path)
}
