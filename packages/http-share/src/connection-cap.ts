// The per-address connection cap: Node's `maxConnections` is one cap for every client, so one host holding all of
// them idle would lock every other address out until the timeouts cut them. Each address may hold at most
// `maxConnectionsPerIp`; a connection beyond that is closed as soon as it opens.

import type { Server } from 'node:http'
import type { Socket } from 'node:net'

export function capConnectionsPerIp (server: Server, maxPerIp: number): void {
  const open = new Map<string, number>()
  server.on('connection', (socket: Socket) => {
    const ip = socket.remoteAddress ?? ''
    const count = (open.get(ip) ?? 0) + 1
    if (count > maxPerIp) {
      socket.destroy()
      return
    }
    open.set(ip, count)
    socket.once('close', () => {
      const left = (open.get(ip) ?? 1) - 1
      if (left <= 0) open.delete(ip)
      else open.set(ip, left)
    })
  })
}
