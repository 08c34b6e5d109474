// A LocalSend v2 peer for the bench, written from the protocol's README (not LocalSend's code, not Ferry's): the
// other side of Ferry's LocalSend rows, streaming to and from disk so a 1 GiB file never sits in memory.
//   recv --dir DIR --host HOST         HTTPS receiver: prints {"type":"listening","port"}; takes one session (every
//                                      file accepted, each checked against its sha256), then exits
//   send PATH --host HOST --port PORT  sends a file or folder to a LocalSend receiver over HTTPS: sha256 of each file,
//                                      prepare-upload, two uploads at once; prints {"type":"done","seconds"}
// Its certificate is made with the openssl command at start.
import { execFileSync } from 'node:child_process'
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { request, createServer } from 'node:https'
import type { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'

const API = '/api/localsend/v2'
const say = (event: Record<string, unknown>): void => { process.stdout.write(`${JSON.stringify(event)}\n`) }

function certificate (): { cert: string, key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ls-'))
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Bench Peer', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' })
    return { cert: readFileSync(join(dir, 'c.pem'), 'utf8'), key: readFileSync(join(dir, 'k.pem'), 'utf8') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const info = { alias: 'Bench Peer', version: '2.1', deviceModel: 'bench', deviceType: 'headless', fingerprint: randomUUID(), port: 53317, protocol: 'https', download: false }

async function body (req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

async function recv (dir: string, host: string): Promise<void> {
  const files = new Map<string, { fileName: string, sha256?: string, token: string, done: boolean }>()
  let sessionId = ''
  const server = createServer({ ...certificate(), requestCert: true, rejectUnauthorized: false }, (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'https://peer.invalid')
      if (url.pathname === `${API}/prepare-upload`) {
        const offer = JSON.parse(await body(req)) as { files: Record<string, { id: string, fileName: string, sha256?: string }> }
        sessionId = randomUUID()
        for (const f of Object.values(offer.files)) files.set(f.id, { fileName: f.fileName, ...(f.sha256 == null ? {} : { sha256: f.sha256 }), token: randomUUID(), done: false })
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sessionId, files: Object.fromEntries([...files].map(([id, f]) => [id, f.token])) }))
      } else if (url.pathname === `${API}/upload`) {
        const file = files.get(url.searchParams.get('fileId') ?? '')
        if (file === undefined || url.searchParams.get('token') !== file.token || url.searchParams.get('sessionId') !== sessionId) {
          res.writeHead(403).end()
          return
        }
        // The bench's own receiver: names come from Ferry, whose paths are already relative and checked.
        const target = join(dir, ...file.fileName.split('/'))
        mkdirSync(dirname(target), { recursive: true })
        const hash = createHash('sha256')
        req.on('data', (chunk: Buffer) => { hash.update(chunk) })
        await pipeline(req, createWriteStream(target))
        if (file.sha256 !== undefined && hash.digest('hex') !== file.sha256) {
          res.writeHead(422).end()
          return
        }
        file.done = true
        res.writeHead(200).end()
        if ([...files.values()].every((f) => f.done)) {
          say({ type: 'received', files: files.size })
          server.close()
          server.closeAllConnections()
        }
      } else {
        await body(req)
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(info))
      }
    })().catch((err: unknown) => { res.destroy(err as Error) })
  })
  await new Promise<void>((resolve) => { server.listen(0, host, resolve) })
  say({ type: 'listening', port: (server.address() as AddressInfo).port })
}

function walk (path: string): Array<{ absolute: string, name: string, size: number }> {
  const root = dirname(path)
  const out: Array<{ absolute: string, name: string, size: number }> = []
  const visit = (p: string): void => {
    const st = statSync(p)
    if (st.isDirectory()) for (const entry of readdirSync(p).sort()) visit(join(p, entry))
    else out.push({ absolute: p, name: relative(root, p).split(sep).join('/'), size: st.size })
  }
  visit(path)
  return out
}

async function call (host: string, port: number, method: string, path: string, send: (req: import('node:http').ClientRequest) => Promise<void>): Promise<{ status: number, text: string }> {
  const req = request({ host, port, method, path, rejectUnauthorized: false, ...certificateOnce(), agent: false })
  const response = new Promise<IncomingMessage>((resolve, reject) => { req.once('response', resolve); req.once('error', reject) })
  await send(req)
  const res = await response
  return { status: res.statusCode ?? 0, text: await body(res) }
}

let client: { cert: string, key: string } | undefined
const certificateOnce = (): { cert: string, key: string } => { client ??= certificate(); return client }

async function send (path: string, host: string, port: number): Promise<void> {
  const started = performance.now()
  const list = walk(path)
  const offered: Record<string, unknown> = {}
  const ids = list.map(() => randomUUID())
  for (const [i, f] of list.entries()) {
    const hash = createHash('sha256')
    await pipeline(createReadStream(f.absolute, { highWaterMark: 1024 * 1024 }), hash)
    offered[ids[i] as string] = { id: ids[i], fileName: f.name, size: f.size, fileType: 'application/octet-stream', sha256: hash.digest('hex') }
  }
  const payload = JSON.stringify({ info, files: offered })
  const prepared = await call(host, port, 'POST', `${API}/prepare-upload`, async (req) => { req.setHeader('content-length', Buffer.byteLength(payload)); req.end(payload) })
  if (prepared.status !== 200) throw new Error(`prepare-upload answered ${prepared.status}: ${prepared.text}`)
  const session = JSON.parse(prepared.text) as { sessionId: string, files: Record<string, string> }
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < list.length) {
      const i = next++
      const f = list[i] as { absolute: string, size: number }
      const id = ids[i] as string
      const query = new URLSearchParams({ sessionId: session.sessionId, fileId: id, token: session.files[id] ?? '' })
      const res = await call(host, port, 'POST', `${API}/upload?${query.toString()}`, async (req) => {
        req.setHeader('content-length', f.size)
        await pipeline(createReadStream(f.absolute, { highWaterMark: 256 * 1024 }), req)
      })
      if (res.status !== 200) throw new Error(`upload of ${basename(f.absolute)} answered ${res.status}: ${res.text}`)
    }
  }
  await Promise.all([worker(), worker()])
  say({ type: 'done', files: list.length, seconds: (performance.now() - started) / 1000 })
}

const { positionals, values } = parseArgs({ allowPositionals: true, options: { dir: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' } } })
const [command, source] = positionals
if (command === 'recv' && values.dir !== undefined && values.host !== undefined) await recv(values.dir, values.host)
else if (command === 'send' && source !== undefined && values.host !== undefined && values.port !== undefined) await send(source, values.host, Number(values.port))
else {
  process.stderr.write('usage: localsend-peer.ts recv --dir DIR --host HOST | send PATH --host HOST --port PORT\n')
  process.exit(2)
}
