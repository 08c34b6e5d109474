// A certificate for the test peer, made by the openssl command rather than by Ferry's code, so the peer shares
// nothing with the implementation it checks. Made once per test process.

import { execFileSync } from 'node:child_process'
import { createHash, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface PeerCertificate {
  cert: string
  key: string
  /** SHA-256 of the DER, uppercase hex (the spec's fingerprint in HTTPS mode). */
  fingerprint: string
}

let made: PeerCertificate | undefined

export function peerCertificate (): PeerCertificate {
  if (made !== undefined) return made
  const dir = mkdtempSync(join(tmpdir(), 'ls-peer-cert-'))
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=Test Peer',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' })
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8')
    const key = readFileSync(join(dir, 'key.pem'), 'utf8')
    made = { cert, key, fingerprint: createHash('sha256').update(new X509Certificate(cert).raw).digest('hex').toUpperCase() }
    return made
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
