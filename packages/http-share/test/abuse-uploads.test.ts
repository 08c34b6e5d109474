// "Nothing lost: faults, bad input and hostile peers", the upload socket: oversized and malformed frames close the
// socket with the code docs/http-share.md gives, nothing beyond the acknowledged bytes reaches the disk, and a client
// that blasts frames without waiting for its credit (or reading the acks) cannot make the server buffer without
// bound. The server runs in a process of its own so that its RSS is measured alone.

import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import { mib, openFileLimit, startServerProcess, summary, type ServerProcess } from './helpers/server-process.ts'
import { blast, frame, OP, textFrame, wireUpgrade, type WireSocket } from './helpers/wire-socket.ts'

const KiB = 1024
const MiB = 1024 * KiB
const FRAME = 512 * KiB // the default maxFrameBytes
const WINDOW = 4 * MiB // the default uploadWindowBytes
/**
 * Bound on the server's RSS growth while a client floods tiny frames for FLOOD_MS. Each frame costs a write and a
 * message to a hash worker, whose garbage V8 collects in its own time: +30 to +75 MiB measured (a HashPool hashing
 * 1-byte updates alone levels off about 65 MiB up). Without maxUploadBacklog the frames queued without bound:
 * +925 MiB within these three seconds, 770 MiB of it still held after a full GC.
 */
const TINY_FRAME_GROWTH = 150 * MiB
/** How long each flood of tiny frames lasts, in ms. */
const FLOOD_MS = 3000

let server: ServerProcess
const open: WireSocket[] = []

beforeAll(async () => {
  server = await startServerProcess({ bigFileBytes: 1, smallFileBytes: 1 })
})
afterAll(async () => {
  for (const s of open.splice(0)) s.socket.destroy()
  await server.close()
})

async function upgrade (): Promise<WireSocket> {
  const socket = await wireUpgrade(server.port, `${server.sharePath}upload`)
  open.push(socket)
  await socket.next('hello')
  return socket
}

/** An upload socket whose offer of one file of `size` bytes was accepted and whose file 0 has started. */
async function accepted (path: string, size: number): Promise<WireSocket> {
  const socket = await upgrade()
  socket.socket.write(textFrame({ type: 'offer', files: [{ path, size, lastModified: 0 }] }))
  const answer = await socket.next('answer')
  expect(answer).toMatchObject({ accepted: true, creditBytes: WINDOW })
  socket.socket.write(textFrame({ type: 'file', id: 0 }))
  return socket
}

async function until (what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** `promise`, or a rejection naming `what` after `ms`. */
async function within<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`${what} took over ${ms} ms`)) }, ms) })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** The server's inbox holds no file and no partial. */
async function inboxEmpty (): Promise<boolean> {
  return (await server.stats()).inbox.length === 0
}

async function report (context: TestContext, message: string): Promise<void> {
  await context.annotate(message, 'measurement')
}

describe('an oversized frame', () => {
  it('closes the socket with 1009 and leaves on disk nothing beyond the acknowledged bytes, then nothing at all', async () => {
    const socket = await accepted('oversized.bin', 10 * MiB)
    const piece = frame(OP.binary, Buffer.alloc(64 * KiB, 7))
    for (let i = 0; i < 3; i++) socket.socket.write(piece)
    // One ack may return the credit of several frames written together (the server gathers them while more wait).
    let acked = 0
    while (acked < 3 * 64 * KiB) acked += (await socket.next('ack')).bytes as number
    expect(acked).toBe(3 * 64 * KiB)
    const before = await server.stats()
    expect(before.inbox).toEqual([{ name: expect.stringMatching(/^\.ferry-.*\.part$/), size: 3 * 64 * KiB }])
    socket.socket.write(frame(OP.binary, Buffer.alloc(FRAME + 1)))
    await within(socket.closed, 5000, 'the close')
    expect(socket.closeCode()).toBe(1009)
    await until('the partial is removed', inboxEmpty)
    await until('the upload ends', async () => (await server.stats()).uploadEnds.length === 1)
    expect((await server.stats()).uploadEnds).toEqual(['FERRY_ERR_CONNECTION_LOST'])
  })

  it('closes the socket with 1009 on a frame header announcing 1 TiB, before a byte of it is sent', async () => {
    const socket = await accepted('huge.bin', 10 * MiB)
    const head = Buffer.alloc(14)
    head[0] = 0x80 | OP.binary
    head[1] = 0x80 | 127
    head.writeBigUInt64BE(BigInt(1024 * 1024 * MiB), 2)
    socket.socket.write(head) // mask key 0 follows in the zeroed tail; no payload ever comes
    await within(socket.closed, 5000, 'the close')
    expect(socket.closeCode()).toBe(1009)
    await until('the partial is removed', inboxEmpty)
  })
})

describe('malformed frames', () => {
  const cases: Array<{ name: string, bytes: Buffer, code: number }> = [
    { name: 'a text frame that is not JSON', bytes: frame(OP.text, Buffer.from('garbage{')), code: 1008 },
    { name: 'a text frame that is not UTF-8', bytes: frame(OP.text, Buffer.from([0xc3, 0x28, 0xff])), code: 1007 },
    { name: 'an unmasked frame', bytes: frame(OP.text, Buffer.from('{}'), { mask: false }), code: 1002 },
    { name: 'a frame of the reserved opcode 3', bytes: frame(0x3, Buffer.from('x')), code: 1002 },
    { name: 'a frame with RSV1 set and no extension', bytes: frame(OP.binary, Buffer.from('x'), { rsv: 4 }), code: 1002 },
    { name: 'a continuation frame with nothing to continue', bytes: frame(OP.continuation, Buffer.from('x')), code: 1002 },
    { name: 'a fragmented ping', bytes: frame(OP.ping, Buffer.from('x'), { fin: false }), code: 1002 },
    { name: 'a ping of 126 bytes', bytes: frame(OP.ping, Buffer.alloc(126)), code: 1002 },
    {
      name: 'fragments adding up to more than maxFrameBytes',
      bytes: Buffer.concat([
        frame(OP.binary, Buffer.alloc(FRAME / 2), { fin: false }),
        frame(OP.continuation, Buffer.alloc(FRAME / 2), { fin: false }),
        frame(OP.continuation, Buffer.alloc(1))
      ]),
      code: 1009
    }
  ]
  it.each(cases)('close the socket on $name with close code $code, and the server takes the next socket', async ({ bytes, code }) => {
    const socket = await upgrade()
    socket.socket.write(bytes)
    await within(socket.closed, 5000, 'the close')
    expect(socket.closeCode()).toBe(code)
    if (code === 1008) expect(socket.texts.map((t) => JSON.parse(t) as { type: string, code?: string }).at(-1)).toMatchObject({ type: 'error', code: 'FERRY_ERR_SHARE_UPLOAD_PROTOCOL' })
    await until('the socket is released', async () => (await server.stats()).uploadSockets === 0)
    const again = await upgrade()
    again.socket.destroy()
  })
})

describe('a client that ignores its credit and the acks', () => {
  it('is cut at its credit with 1008 while it blasts 512 MiB of full frames, and the server\'s memory stays bounded', async (context) => {
    const socket = await accepted('blast.bin', 64 * 1024 * MiB)
    const baseline = await server.resetPeak()
    socket.stopReading()
    const sent = await blast(socket.socket, frame(OP.binary, Buffer.alloc(FRAME, 1)), 512 * MiB, 15_000)
    const after = await server.stats()
    socket.socket.destroy()
    const growth = after.peakRss - baseline.rss
    await report(context, `full-frame blast: sent ${mib(sent)}, server RSS ${mib(baseline.rss)} -> peak ${mib(after.peakRss)} (+${mib(growth)})`)
    expect(after.uploadEnds.at(-1)).toBe('FERRY_ERR_SHARE_UPLOAD_PROTOCOL')
    // Held at once: the credit (4 MiB), a frame being parsed (512 KiB) and socket buffers. The frames ws goes on
    // parsing (and dropping) until the close handshake are garbage V8 collects in its own time: +50 to +81 MiB at
    // loopback speed (measured). A server that buffered the blast would grow by 512 MiB.
    expect(growth).toBeLessThan(128 * MiB)
    await until('the partial is removed', inboxEmpty)
  })

  /**
   * Floods the accepted socket with `frameBytes` for `FLOOD_MS` without reading, and measures the server: what it
   * retains after a full GC half-way through (the queues), and its peak RSS (garbage included).
   */
  async function flood (context: TestContext, label: string, frameBytes: Buffer, totalBytes: number): Promise<void> {
    const socket = await accepted(`${label}.bin`, 64 * MiB)
    const before = await server.retained()
    const baseline = await server.resetPeak()
    socket.stopReading()
    const sending = blast(socket.socket, frameBytes, totalBytes, FLOOD_MS)
    await new Promise((resolve) => setTimeout(resolve, FLOOD_MS / 2))
    const mid = await server.retained()
    const sent = await sending
    const after = await server.stats()
    socket.socket.destroy()
    const retained = mid.retained - before.retained
    const growth = after.peakRss - baseline.rss
    await report(context, `${label}: sent ${mib(sent)} (${Math.round(sent / frameBytes.length)} frames), wrote ${after.inbox[0]?.size ?? 0} bytes; retained after GC +${mib(retained)}; RSS ${mib(baseline.rss)} -> peak ${mib(after.peakRss)} (+${mib(growth)})`)
    // Paused, not failed: the frames break no rule; the server only stops reading them.
    expect(after.uploadSockets).toBe(1)
    expect(after.inbox).toEqual([{ name: expect.stringMatching(/\.part$/), size: expect.any(Number) }])
    expect(after.inbox[0]?.size).toBeLessThanOrEqual(WINDOW)
    // maxUploadBacklog tasks plus one socket read of frames (64 KiB of them, about 10,000) and their acks.
    expect(retained).toBeLessThan(32 * MiB)
    expect(growth).toBeLessThan(TINY_FRAME_GROWTH)
    await until('the partial is removed', inboxEmpty)
  }

  it('cannot make the server queue without bound with its whole credit in 1-byte frames sent at once, acks unread', async (context) => {
    // Exactly the credit, a million frames: the protocol allows it. The server takes them only as fast as it writes
    // them, so the flood stops at its deadline, not at its end.
    await flood(context, '1-byte frames', frame(OP.binary, Buffer.from([1])), WINDOW * 7)
  })

  it('cannot make the server queue without bound with a flood of empty frames, which spend no credit', async (context) => {
    await flood(context, 'empty frames', frame(OP.binary, Buffer.alloc(0)), 48 * MiB)
  })
})

describe('many upload sockets at once', () => {
  it('refuses all but maxSocketsPerIp of 400 simultaneous upgrades with 503, ends the silent ones by ping, and stays within bounded memory', async (context) => {
    const pingIntervalMs = 300
    // One address opens them all here: the per-address connection cap is lifted so that the upgrade's caps answer.
    const busy = await startServerProcess({ bigFileBytes: 1, smallFileBytes: 1000, limits: { pingIntervalMs, maxConnectionsPerIp: 512 } })
    const sockets: WireSocket[] = []
    try {
      // Below the default maxConnections (512), so every refusal is the upgrade's own 503, not a dropped connection.
      const attempts = Math.min(400, openFileLimit() - 256)
      const baseline = await busy.resetPeak()
      const outcomes = await Promise.allSettled(Array.from({ length: attempts }, async () => await wireUpgrade(busy.port, `${busy.sharePath}upload`)))
      const opened = performance.now()
      for (const o of outcomes) if (o.status === 'fulfilled') sockets.push(o.value)
      const refusals = outcomes.flatMap((o) => o.status === 'rejected' ? [(o.reason as Error).message] : [])
      expect(sockets).toHaveLength(8) // the default maxSocketsPerIp, all from 127.0.0.1
      expect(new Set(refusals)).toEqual(new Set(['upgrade answered 503']))
      // A wire socket reads the pings but never answers them: each is terminated within two ping intervals.
      const download = await fetch(`${busy.origin}${busy.sharePath}files/0`)
      expect(download.status).toBe(200)
      expect((await download.arrayBuffer()).byteLength).toBe(1000)
      const lifetimes = await within(Promise.all(sockets.map(async (s) => { await s.closed; return performance.now() - opened })), 10_000, 'the silent sockets closing')
      const after = await busy.stats()
      const life = summary(lifetimes)
      await report(context, `${attempts} upgrades: ${sockets.length} open, ${refusals.length} refused; silent sockets ended after ${life.median.toFixed(0)} ms (min ${life.min.toFixed(0)}, max ${life.max.toFixed(0)}); server RSS ${mib(baseline.rss)} -> peak ${mib(after.peakRss)} (+${mib(after.peakRss - baseline.rss)})`)
      expect(life.max).toBeLessThan(2 * pingIntervalMs + 1000)
      expect(after.uploadSockets).toBe(0)
      // 400 short-lived connections, 8 sockets and their sessions: a few MiB, with room for the GC.
      expect(after.peakRss - baseline.rss).toBeLessThan(64 * MiB)
      const again = await wireUpgrade(busy.port, `${busy.sharePath}upload`)
      sockets.push(again)
      await again.next('hello')
    } finally {
      for (const s of sockets) s.socket.destroy()
      await busy.close()
    }
  })
})
