import { describe, expect, it } from 'vitest'
import type { NetworkInterfaceInfo } from 'node:os'
import { BadAddressError, ferryLink, formatHostPort, formatPeerTarget, parsePeerTarget, reachableHosts } from '../src/index.ts'

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
    expect(() => parsePeerTarget(input)).toThrow(BadAddressError)
  })
})

describe('the ferry:// link builder beside its parser (issue 16)', () => {
  it.each([
    [{ host: '192.168.1.5', port: 4000 }, `ferry://192.168.1.5:4000/${ID}`],
    [{ host: 'fe80::1', port: 4000 }, `ferry://[fe80::1]:4000/${ID}`],
    [{ host: 'laptop.local', port: 65535 }, `ferry://laptop.local:65535/${ID}`]
  ])('writes %j as a link that parses back to the same device', (address, link) => {
    expect(ferryLink({ address, peerId: ID })).toBe(link)
    expect(parsePeerTarget(ferryLink({ address, peerId: ID }))).toEqual({ address, peerId: ID })
    expect(parsePeerTarget(formatPeerTarget({ address, peerId: ID }))).toEqual({ address, peerId: ID })
    expect(parsePeerTarget(formatHostPort(address))).toEqual({ address })
  })
})

describe('the hosts a device on the LAN can reach this one at (issue 16: one helper for CLI, app and share links)', () => {
  const info = (address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo => ({
    address, family, internal, netmask: family === 'IPv4' ? '255.255.255.0' : 'ffff:ffff:ffff:ffff::', mac: '00:00:00:00:00:00', cidr: null,
    ...(family === 'IPv6' ? { scopeid: 0 } : {})
  }) as NetworkInterfaceInfo
  const table = {
    lo: [info('127.0.0.1', 'IPv4', true), info('::1', 'IPv6', true)],
    eth0: [info('192.168.1.20', 'IPv4'), info('fe80::1', 'IPv6')],
    wlan0: [info('10.0.0.7', 'IPv4')]
  }

  it('is the bound host itself when bound to one address', () => {
    expect(reachableHosts('192.168.1.20', { interfaces: table })).toEqual(['192.168.1.20'])
    expect(reachableHosts('127.0.0.1', { interfaces: table, withLoopback: true })).toEqual(['127.0.0.1'])
  })

  it('is every LAN IPv4 address, in the system\'s order, for a wildcard bind; 127.0.0.1 first when asked', () => {
    for (const bound of ['0.0.0.0', '::']) {
      expect(reachableHosts(bound, { interfaces: table })).toEqual(['192.168.1.20', '10.0.0.7'])
      expect(reachableHosts(bound, { interfaces: table, withLoopback: true })).toEqual(['127.0.0.1', '192.168.1.20', '10.0.0.7'])
    }
  })

  it('falls back to 127.0.0.1 when no interface has a LAN address', () => {
    expect(reachableHosts('0.0.0.0', { interfaces: { lo: table.lo } })).toEqual(['127.0.0.1'])
    expect(reachableHosts('0.0.0.0', { interfaces: { lo: table.lo }, withLoopback: true })).toEqual(['127.0.0.1'])
  })
})
