// Issue 15: the app's share link and QR code pointed at http://127.0.0.1, which a phone cannot open, while `ferry
// share` showed a LAN address. p2p-core's reachableHosts (issue 16) now orders this computer's addresses for every
// caller: the default route's interface first, other LAN addresses next, link-local last; share links put loopback last.

import type { NetworkInterfaceInfo } from 'node:os'
import { describe, expect, it } from 'vitest'
import { defaultRouteInterface, reachableHosts } from '../src/transport/lan-hosts.ts'

const v4 = (address: string, internal = false): NetworkInterfaceInfo =>
  ({ address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: `${address}/24` })

const laptop = {
  lo: [v4('127.0.0.1', true)],
  docker0: [v4('172.17.0.1')],
  'br-5f2c': [v4('172.18.0.1')],
  wlan0: [v4('192.168.1.23')],
  tun0: [v4('10.8.0.4')],
  eth1: [v4('169.254.10.2')]
}

const routes = [
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
  'tun0\t00000000\t0100080A\t0003\t0\t0\t50\t00000000\t0\t0\t0',
  'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t20\t00000000\t0\t0\t0',
  'wlan0\t0001A8C0\t00000000\t0001\t0\t0\t20\t00FFFFFF\t0\t0\t0',
  'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0'
].join('\n')

describe('reachable addresses (issue 15)', () => {
  it('reads the lowest-metric default route from the Linux routing table, ignoring routes that are down', () => {
    expect(defaultRouteInterface(routes)).toBe('wlan0')
    expect(defaultRouteInterface(routes.replace('wlan0\t00000000\t0101A8C0\t0003', 'wlan0\t00000000\t0101A8C0\t0002'))).toBe('tun0')
    expect(defaultRouteInterface(routes.split('\n').filter((l) => !l.includes('\t00000000\t0')).join('\n'))).toBeUndefined()
  })

  it('puts the default route\'s interface first, then LAN addresses, containers and tunnels, link-local, and loopback only when asked', () => {
    expect(reachableHosts('0.0.0.0', { interfaces: laptop, defaultInterface: 'wlan0' })).toEqual(['192.168.1.23', '172.17.0.1', '172.18.0.1', '10.8.0.4', '169.254.10.2'])
    expect(reachableHosts('0.0.0.0', { interfaces: laptop, defaultInterface: 'wlan0', withLoopback: 'last' }).at(-1)).toBe('127.0.0.1')
  })

  it('without a routing table prefers private LAN addresses on interfaces that do not look virtual', () => {
    const mac = { lo0: [v4('127.0.0.1', true)], utun3: [v4('10.2.0.7')], bridge100: [v4('192.168.64.1')], en0: [v4('192.168.0.12')], en5: [v4('203.0.113.9')] }
    expect(reachableHosts('0.0.0.0', { interfaces: mac, defaultInterface: null })[0]).toBe('192.168.0.12')
    expect(reachableHosts('0.0.0.0', { interfaces: mac, defaultInterface: null })).toEqual(['192.168.0.12', '203.0.113.9', '10.2.0.7', '192.168.64.1'])
  })

  it('puts loopback first for lines a person at this computer reads, and last for a link other devices open', () => {
    expect(reachableHosts('0.0.0.0', { interfaces: laptop, defaultInterface: 'wlan0', withLoopback: true })[0]).toBe('127.0.0.1')
    expect(reachableHosts('0.0.0.0', { interfaces: laptop, defaultInterface: 'wlan0', withLoopback: 'last' })[0]).toBe('192.168.1.23')
    expect(reachableHosts('10.254.91.1', { interfaces: laptop, withLoopback: 'last' })).toEqual(['10.254.91.1'])
  })
})
