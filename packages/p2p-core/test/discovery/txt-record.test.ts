import { describe, expect, it } from 'vitest'
import { decodeTxt, encodeTxt } from '../../src/discovery/txt-record.ts'
import { PROTOCOL_ID } from '../../src/index.ts'

const peerId = '12D3KooWJBfA6L6Xj7XRHdEkvnHGUACi2HPvWqvzgzfKVt82f6sm'

describe('the mDNS TXT record', () => {
  it('carries protocol version, peer id, alias, device type and port, and decodes to the same', () => {
    const txt = encodeTxt({ peerId, alias: 'Büro-Laptop 日本', deviceType: 'laptop', port: 40123 })
    expect(txt).toEqual({ v: PROTOCOL_ID, id: peerId, alias: 'Büro-Laptop 日本', dt: 'laptop', port: '40123' })
    expect(decodeTxt(txt)).toEqual({ protocol: PROTOCOL_ID, peerId, alias: 'Büro-Laptop 日本', deviceType: 'laptop', port: 40123 })
  })

  it('leaves an empty alias out, because DNS-SD libraries drop `alias=`', () => {
    expect(encodeTxt({ peerId, alias: '', port: 1 })).not.toHaveProperty('alias')
  })

  it('decodes values that arrive as bytes and keys in any case', () => {
    const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
    expect(decodeTxt({ V: bytes(PROTOCOL_ID), ID: bytes(peerId), PORT: bytes('9') })).toEqual({ protocol: PROTOCOL_ID, peerId, port: 9 })
  })

  it.each([
    ['another protocol version', { v: '/ferry/transfer/2', id: peerId, port: '1' }],
    ['no peer id', { v: PROTOCOL_ID, port: '1' }],
    ['a peer id that is not base58', { v: PROTOCOL_ID, id: 'not-a-peer-id-0OIl'.repeat(3), port: '1' }],
    ['port 0', { v: PROTOCOL_ID, id: peerId, port: '0' }],
    ['port 70000', { v: PROTOCOL_ID, id: peerId, port: '70000' }],
    ['an unknown device type', { v: PROTOCOL_ID, id: peerId, port: '1', dt: 'toaster' }],
    ['an alias over 64 characters', { v: PROTOCOL_ID, id: peerId, port: '1', alias: 'x'.repeat(65) }],
    ['no record at all', null]
  ])('is ignored when it has %s', (_what, txt) => {
    expect(decodeTxt(txt)).toBeUndefined()
  })
})
