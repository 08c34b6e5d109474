// The test peer's discovery, run in a network namespace of its own: written from the protocol's README (section
// 3.1), sharing no code with Ferry's. It runs the peer's server, announces itself on the multicast group, and
// answers an announce as the spec says: POST /register to the announcer (mode 'register'), or only the UDP
// `announce: false` message older apps send (mode 'udp'). Events go to stdout as JSON lines.
// Config (argv[2]): { address, multicastPort, protocol, mode, announcedPort? }.

import { createSocket } from 'node:dgram'
import { call, peerInfo } from './peer-client.ts'
import { startPeerServer } from './peer-server.ts'

interface Config {
  address: string
  multicastPort: number
  protocol: 'http' | 'https'
  mode: 'register' | 'udp'
  /** The port announced, when it should not be the server's (to make a register to it fail). */
  announcedPort?: number
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config
const GROUP = '224.0.0.167'
const say = (event: Record<string, unknown>): void => { process.stdout.write(`${JSON.stringify({ ...event, at: Date.now() })}\n`) }

const server = await startPeerServer({ protocol: config.protocol, host: config.address })
const port = config.announcedPort ?? server.port
const info = peerInfo(config.protocol, port)
const socket = createSocket({ type: 'udp4', reuseAddr: true })
await new Promise<void>((resolve) => { socket.bind(config.multicastPort, '0.0.0.0', resolve) })
socket.addMembership(GROUP, config.address)
socket.setMulticastInterface(config.address)

const send = (announce: boolean): void => { socket.send(JSON.stringify({ ...info, announce }), config.multicastPort, GROUP) }

socket.on('message', (data, rinfo) => {
  const message = JSON.parse(data.toString()) as Record<string, unknown>
  if (message.fingerprint === info.fingerprint) return
  say({ type: 'heard', from: rinfo.address, message })
  if (message.announce !== true) return
  if (config.mode === 'udp') {
    send(false)
    return
  }
  const target = { host: rinfo.address, port: message.port as number, protocol: message.protocol as 'http' | 'https' }
  call(target, 'POST', '/api/localsend/v2/register', { body: JSON.stringify(info) })
    .then((res) => { say({ type: 'registered', status: res.status, answer: res.json() }) })
    .catch((err: unknown) => { say({ type: 'register-failed', message: (err as Error).message }) })
})

setInterval(() => {
  for (const r of server.registers.splice(0)) say({ type: 'register-received', ...r })
}, 50)

say({ type: 'ready', port: server.port, fingerprint: info.fingerprint })
// A burst at start, as the apps send; then once a second for 30 s at most, so that a device started later (a slow
// start on a loaded machine) still hears an announce to answer.
for (const delay of [100, 500, 2000]) setTimeout(() => { send(true) }, delay)
let repeats = 0
const again = setInterval(() => { if (++repeats >= 30) clearInterval(again); send(true) }, 1_000)
