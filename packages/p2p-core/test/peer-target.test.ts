import { describe, expect, it } from 'vitest'
import { parsePeerTarget } from '../src/index.ts'

const ID = '12D3KooWBh7WtZuTKxKwQCTBMmgDQrLtTxFZ2p4QVnmcQh6SY2PG'

describe('parsePeerTarget', () => {
  it.each([
    ['192.168.1.5:4000', { address: { host: '192.168.1.5', port: 4000 } }],
    [`192.168.1.5:4000/${ID}`, { address: { host: '192.168.1.5', port: 4000 }, peerId: ID }],
    [`ferry://laptop.local:4000/${ID}`, { address: { host: 'laptop.local', port: 4000 }, peerId: ID }],
    [`[fe80::1]:4000/${ID}`, { address: { host: 'fe80::1', port: 4000 }, peerId: ID }]
  ])('reads %s', (input, expected) => {
    expect(parsePeerTarget(input)).toEqual(expected)
  })

  it.each(['laptop', '1.2.3.4', '1.2.3.4:0', '1.2.3.4:70000', '1.2.3.4:80/not-an-id', ''])('refuses %j with a clear error', (input) => {
    expect(() => parsePeerTarget(input)).toThrow(TypeError)
  })
})
