// The PIN exchange behind pairing: a password-authenticated key exchange (SPEKE) in the RFC 3526 2048-bit MODP
// group, bound to both peer ids. The PIN never leaves either device, not even as a hash: each side only sends
// g^x, where g is derived from the PIN and both ids, and then a proof of the shared key. A device that does not
// know the PIN can test one guess per exchange and learns nothing it could test other guesses against offline,
// so the rate limit on exchanges (pairing-guard.ts) is the whole bound on guessing. It all rides inside the
// mutually authenticated QUIC connection as well.

import { createDiffieHellman, createHash, createHmac, getDiffieHellman, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'

const LABEL = 'ferry-pair-v1'
/** RFC 3526 group 14: p is a safe prime, so squares mod p form the subgroup of prime order (p - 1) / 2. */
const PRIME = getDiffieHellman('modp14').getPrime()
const P = BigInt(`0x${PRIME.toString('hex')}`)
/** Bytes of a public value on the wire: the size of the prime. */
export const PIN_KEY_BYTES = PRIME.byteLength
/** A 256-bit exponent: twice the group's ~112-bit security, and a tenth of the work of a full-size one. */
const EXPONENT_BYTES = 32

export const PIN_PATTERN = /^[0-9]{6}$/

/** A random 6-digit PIN, for the app to show (the core never picks one on its own). */
export function generatePin (): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0')
}

export interface PairingIds {
  /** The device that typed the PIN and dialled. */
  sender: string
  /** The device that shows the PIN and listens. */
  receiver: string
}

export interface PinProofs {
  /** What the receiver sends in `pair-challenge`. */
  receiver: string
  /** What the sender sends in `pair-confirm`. */
  sender: string
}

export interface PinExchange {
  /** This side's public value, lowercase hex of PIN_KEY_BYTES bytes. */
  readonly publicKey: string
  /** Both proofs for the shared key with the peer's public value; throws RangeError for a degenerate value. */
  proofs: (peerKey: string) => PinProofs
}

function toBytes (n: bigint): Buffer {
  return Buffer.from(n.toString(16).padStart(PIN_KEY_BYTES * 2, '0'), 'hex')
}

/** Hash to the group: 2560 bits of SHA-512 (so the reduction mod p is unbiased), reduced and squared. */
function generatorFor (pin: string, ids: PairingIds): Buffer {
  const blocks = [0, 1, 2, 3, 4].map((i) => createHash('sha512').update(JSON.stringify([LABEL, 'generator', i, ids.sender, ids.receiver, pin])).digest())
  const x = BigInt(`0x${Buffer.concat(blocks).toString('hex')}`) % P
  const g = (x * x) % P
  // 0 and 1 cannot come out of a hash in practice; refusing them keeps the group arithmetic honest anyway.
  if (g <= 1n) throw new RangeError('Degenerate pairing generator')
  return toBytes(g)
}

/** Starts one side of an exchange; `role` says which id is ours. A new exchange (and exponent) per attempt. */
export function startPinExchange (pin: string, ids: PairingIds, role: 'sender' | 'receiver'): PinExchange {
  const dh = createDiffieHellman(PRIME, generatorFor(pin, ids))
  dh.setPrivateKey(randomBytes(EXPONENT_BYTES))
  const publicKey = toBytes(BigInt(`0x${dh.generateKeys('hex')}`)).toString('hex')
  return {
    publicKey,
    proofs (peerKey) {
      const peer = BigInt(`0x${peerKey}`)
      if (peer <= 1n || peer >= P - 1n) throw new RangeError('Degenerate pairing key')
      const shared = toBytes(BigInt(`0x${dh.computeSecret(toBytes(peer)).toString('hex')}`))
      const [senderKey, receiverKey] = role === 'sender' ? [publicKey, peerKey] : [peerKey, publicKey]
      const key = createHash('sha256').update(JSON.stringify([LABEL, ids.sender, ids.receiver, senderKey, receiverKey])).update(shared).digest()
      const mac = (who: string): string => createHmac('sha256', key).update(`${LABEL} ${who}`).digest('hex')
      return { receiver: mac('receiver'), sender: mac('sender') }
    }
  }
}

/** Compares two hex proofs in constant time. */
export function proofsEqual (a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex')
  const y = Buffer.from(b, 'hex')
  return x.byteLength === y.byteLength && x.byteLength > 0 && timingSafeEqual(x, y)
}
