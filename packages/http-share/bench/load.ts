// Load check for share links, run by hand (not part of the test run), against 127.0.0.1 only:
//   node packages/http-share/bench/load.ts [--sockets 200] [--downloads 50] [--idle-seconds 10]
// 1. N WebSocket clients connect to the upload socket and stay idle while the server pings them every second;
// 2. M clients download the same 64 MiB file at once;
// 3. one 256 MiB upload through the upload protocol (write + BLAKE3 + rename).
// The server runs in a child process so its RSS is its own; every phase is bounded in count and time.

import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { open, mkdtemp, rm } from 'node:fs/promises'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { WebSocket } from 'ws'
import { uploadFiles } from '../src/index.ts'

const { values } = parseArgs({
  options: {
    sockets: { type: 'string', default: '200' },
    downloads: { type: 'string', default: '50' },
    'idle-seconds': { type: 'string', default: '10' }
  }
})
const SOCKETS = Math.min(500, Number(values.sockets))
const DOWNLOADS = Math.min(100, Number(values.downloads))
const IDLE_MS = Math.min(60, Number(values['idle-seconds'])) * 1000
const FILE_BYTES = 64 * 1024 * 1024
const UPLOAD_BYTES = 256 * 1024 * 1024
/** No phase may take longer than this, in ms. */
const PHASE_TIMEOUT_MS = 120_000

const MiB = 1024 * 1024
const mb = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`
const out = (line: string): void => { process.stdout.write(`${line}\n`) }

async function writeRandomFile (path: string, bytes: number): Promise<void> {
  const handle = await open(path, 'w')
  try {
    for (let written = 0; written < bytes; written += 4 * MiB) await handle.write(randomBytes(Math.min(4 * MiB, bytes - written)))
  } finally {
    await handle.close()
  }
}

function withTimeout<T> (promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise.finally(() => { clearTimeout(timer) }),
    new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`${what} took longer than ${PHASE_TIMEOUT_MS} ms`)) }, PHASE_TIMEOUT_MS) })
  ])
}

const dir = await mkdtemp(join(tmpdir(), 'ferry-share-load-'))
const file = join(dir, 'file-64m.bin')
await writeRandomFile(file, FILE_BYTES)
const child = fork(new URL('./load-server.ts', import.meta.url), [dir, file], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--expose-gc'] })
type Rss = { rss: number, heap: number, maxRss: number, sockets: number }
const replies: Array<(r: Rss) => void> = []
let ready: (url: string) => void = () => {}
const readyUrl = new Promise<string>((resolve) => { ready = resolve })
child.on('message', (m: { type: string, url?: string } & Partial<Rss>) => {
  if (m.type === 'ready') ready(m.url as string)
  if (m.type === 'rss') replies.shift()?.(m as Rss)
})
const rss = async (gc = false): Promise<Rss> => await new Promise((resolve) => { replies.push(resolve); child.send({ type: 'rss', gc }) })

let peakRss = 0
const sampler = setInterval(() => { void rss().then((r) => { peakRss = Math.max(peakRss, r.rss) }) }, 100)

try {
  const url = await withTimeout(readyUrl, 'server start')
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`refusing to load anything but loopback: ${url}`)
  // Let start-up settle first, so the idle figure is not start-up garbage.
  await new Promise((resolve) => setTimeout(resolve, 2000))
  const idle = await rss(true)
  out(`server idle (after GC): RSS ${mb(idle.rss)}, JS heap ${mb(idle.heap)}`)

  // 1. Idle WebSockets with pings.
  const wsUrl = `${url.replace(/^http/, 'ws')}upload`
  const sockets: WebSocket[] = []
  const pings = new Map<WebSocket, number>()
  let closedEarly = 0
  const t0 = performance.now()
  await withTimeout(Promise.all(Array.from({ length: SOCKETS }, async () => {
    const ws = new WebSocket(wsUrl)
    sockets.push(ws)
    pings.set(ws, 0)
    ws.on('ping', () => { pings.set(ws, (pings.get(ws) ?? 0) + 1) })
    ws.on('close', () => { closedEarly++ })
    await new Promise<void>((resolve, reject) => { ws.once('open', () => { resolve() }); ws.once('error', reject) })
  })), 'connecting sockets')
  const connectMs = performance.now() - t0
  peakRss = 0
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS))
  const held = await rss(true)
  const pingCounts = [...pings.values()]
  out(`${SOCKETS} idle WebSockets: connected in ${connectMs.toFixed(0)} ms; after ${IDLE_MS / 1000} s with a ping a second: ` +
    `${held.sockets} open on the server, ${closedEarly} closed, pings per client min ${Math.min(...pingCounts)} max ${Math.max(...pingCounts)}; ` +
    `server RSS after GC ${mb(held.rss)} (${mb(held.rss - idle.rss)} over idle), JS heap ${mb(held.heap)} ` +
    `(${((held.heap - idle.heap) / SOCKETS / 1024).toFixed(1)} KiB a socket), peak RSS ${mb(peakRss)}`)
  for (const ws of sockets) ws.close()
  await new Promise((resolve) => setTimeout(resolve, 500))

  // 2. Concurrent downloads of the 64 MiB file.
  const before = await rss()
  peakRss = before.rss
  const t1 = performance.now()
  const sizes = await withTimeout(Promise.all(Array.from({ length: DOWNLOADS }, async () => await new Promise<number>((resolve, reject) => {
    get(`${url}files/0`, (res) => {
      let n = 0
      res.on('data', (chunk: Buffer) => { n += chunk.byteLength })
      res.on('end', () => { resolve(n) })
      res.on('error', reject)
    }).on('error', reject)
  }))), 'downloads')
  const seconds = (performance.now() - t1) / 1000
  const total = sizes.reduce((a, b) => a + b, 0)
  const complete = sizes.filter((n) => n === FILE_BYTES).length
  const after = await rss()
  out(`${DOWNLOADS} concurrent downloads of 64 MiB: ${complete}/${DOWNLOADS} complete, ${mb(total)} in ${seconds.toFixed(2)} s = ` +
    `${(total / MiB / seconds).toFixed(0)} MiB/s total, ${(total / DOWNLOADS / MiB / seconds).toFixed(1)} MiB/s each; ` +
    `server RSS before ${mb(before.rss)}, peak ${mb(peakRss)}, after ${mb(after.rss)}`)

  // 3. One large upload through the upload protocol.
  const upload = join(dir, 'upload-256m.bin')
  await writeRandomFile(upload, UPLOAD_BYTES)
  const beforeUpload = await rss()
  peakRss = beforeUpload.rss
  const t2 = performance.now()
  await withTimeout(uploadFiles(url, { files: [{ path: upload }] }), 'upload')
  const upSeconds = (performance.now() - t2) / 1000
  out(`one 256 MiB upload (credit 1 MiB, frames 256 KiB, written, hashed, verified, renamed): ${upSeconds.toFixed(2)} s = ` +
    `${(UPLOAD_BYTES / MiB / upSeconds).toFixed(0)} MiB/s; server RSS before ${mb(beforeUpload.rss)}, peak ${mb(peakRss)}`)
  out(`server max RSS over the whole run: ${mb((await rss()).maxRss)}`)
} finally {
  clearInterval(sampler)
  child.send({ type: 'stop' })
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => { child.kill('SIGKILL'); resolve() }, 5000)
    child.once('exit', () => { clearTimeout(t); resolve() })
  })
  await rm(dir, { recursive: true, force: true })
}
