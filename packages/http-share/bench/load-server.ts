// The server side of the load check (load.ts runs it as a child process, so its memory is measured alone): a share
// server on 127.0.0.1 with one shared file and uploads accepted, answering RSS questions over IPC.

import { join } from 'node:path'
import { createShareServer } from '../src/index.ts'

const [dir, file] = process.argv.slice(2) as [string, string]
const server = await createShareServer({
  host: '127.0.0.1',
  port: 0,
  // Caps raised for the check's 200 sockets from one address; pings every second so 10 s of idling sees ten.
  limits: { maxSocketsPerShare: 512, maxSocketsPerIp: 512, maxConnectionsPerIp: 512, pingIntervalMs: 1000 }
})
const share = await server.addShare({ paths: [file], allowUpload: true })
server.on('offer', (offer) => { void offer.respond({ accept: true, dir: join(dir, 'inbox') }).catch(() => {}) })

process.on('message', (message: { type: string, gc?: boolean }) => {
  if (message.type === 'rss') {
    // With --expose-gc, a settled figure: garbage from start-up or an earlier phase is not counted.
    if (message.gc === true) (globalThis as { gc?: () => void }).gc?.()
    process.send?.({ type: 'rss', rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, maxRss: process.resourceUsage().maxRSS * 1024, sockets: server.uploadSockets })
  } else if (message.type === 'stop') {
    void server.close().then(() => { process.exit(0) })
  }
})
process.send?.({ type: 'ready', url: share.urls[0] })
