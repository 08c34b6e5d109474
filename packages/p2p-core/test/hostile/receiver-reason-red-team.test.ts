// Red team, from the docs only: "A receiver's reason for stopping a transfer reaches its sender, and the sender does
// not come back with the offer" (docs/guarantees.md) and "Errors on the wire and graceful close" (docs/protocol.md:
// a sender whose data stream is stopped waits up to PEER_REASON_WAIT_MS, 2000 ms, for the reason). The receiver here
// is written by hand on createQuicTransport, speaking the frames of docs/protocol.md, and misbehaves on purpose.

import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FerryNode, createQuicTransport, generateIdentity, type FerryConnection, type FerryStream } from '../../src/index.ts'
import { frame, frames } from './raw-sender.ts'

const LOOPBACK = { host: '127.0.0.1', port: 0 }
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

type Behaviour = (control: FerryStream, connection: FerryConnection, dataStreams: FerryStream[]) => Promise<void>

interface Hostile {
  port: number
  /** Connections (so offers) the sender made. */
  connections: number
}

/**
 * A receiver that takes every offer whole, then lets `behave` do what it wants once the first data stream arrives.
 * Every data stream is collected (and read from) until `behave` decides otherwise.
 */
async function hostileReceiver (behave: Behaviour, opts: { readData?: boolean } = {}): Promise<Hostile> {
  const transport = await createQuicTransport({ identity: await generateIdentity() })
  const listener = await transport.listen(LOOPBACK)
  const hostile: Hostile = { port: listener.address.port, connections: 0 }
  const open = new Set<FerryConnection>()
  const serve = async (connection: FerryConnection): Promise<void> => {
    const control = await connection.acceptStream()
    const next = frames(control)
    await next() // hello
    const offer = await next()
    const ids: number[] = []
    while (ids.length < (offer?.fileCount as number)) {
      const list = await next()
      for (const file of (list?.files as Array<{ id: number }>)) ids.push(file.id)
    }
    await control.write(frame({ type: 'answer', accepted: true, files: ids.map((id) => [id, 0]), done: true }))
    const dataStreams: FerryStream[] = []
    let started = false
    for (;;) {
      const stream = await connection.acceptStream().catch(() => undefined)
      if (stream === undefined) return
      dataStreams.push(stream)
      if (opts.readData !== false) void (async () => { while (await stream.read(256 * 1024).catch(() => null) !== null); })()
      if (!started) {
        started = true
        void behave(control, connection, dataStreams).catch(() => {})
      }
    }
  }
  void (async () => {
    for (;;) {
      const connection = await listener.accept().catch(() => undefined)
      if (connection === undefined) return
      hostile.connections++
      open.add(connection)
      void serve(connection).catch(() => {})
    }
  })()
  cleanups.push(async () => {
    for (const connection of open) connection.close()
    await listener.close()
    await transport.close()
  })
  return hostile
}

async function senderWithFiles (count: number, bytes: number): Promise<{ node: FerryNode, dir: string }> {
  const node = await FerryNode.create({
    identity: await generateIdentity(), listen: LOOPBACK, limits: { reconnectAttempts: 2, reconnectBaseMs: 50, reconnectMaxMs: 100 }
  })
  const root = await mkdtemp(join(tmpdir(), 'ferry-rt-reason-'))
  const dir = join(root, 'files')
  await mkdir(dir)
  for (let i = 0; i < count; i++) await writeFile(join(dir, `f${i}.bin`), randomBytes(bytes))
  cleanups.push(async () => {
    await node.close()
    await rm(root, { recursive: true, force: true })
  })
  return { node, dir }
}

/** The hostile receiver reads no data: the sender is still writing (held by flow control) when the streams stop. */
const UNREAD = { readData: false }
const stopAll = (streams: FerryStream[]): void => { for (const s of streams) s.reset() }
const errorFrame = (code: string): Uint8Array => frame({ type: 'error', name: 'DiskError', code, message: `hostile says ${code}` })
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

async function sendFiles (node: FerryNode, dir: string, port: number, reconnect = true): Promise<{ code: string | undefined }> {
  const code = await node.send({ address: { host: '127.0.0.1', port }, paths: [dir], reconnect }).then(
    () => undefined, (err: { code?: string }) => err.code)
  return { code }
}

describe('red team: a receiver\'s reason for stopping reaches its sender', () => {
  it('a receiver that stops every data stream and never says why: the sender ends lost, within one reason wait, and makes one connection when told not to reconnect', async () => {
    const hostile = await hostileReceiver(async (_control, _connection, streams) => { await sleep(50); stopAll(streams) }, UNREAD)
    const { node, dir } = await senderWithFiles(12, 1024 * 1024)
    const { code } = await sendFiles(node, dir, hostile.port, false)
    expect(code).toBe('FERRY_ERR_CONNECTION_LOST')
    expect(hostile.connections).toBe(1)
    // The bound is the test's timeout: one wait of PEER_REASON_WAIT_MS for the whole transfer fits it, one per
    // stopped stream (12 x 2 s) would not.
  }, 15_000)

  it('a receiver that stops the streams and sends two error frames: the sender reports the first, and does not come back', async () => {
    const hostile = await hostileReceiver(async (control, _connection, streams) => {
      await sleep(50)
      await control.write(errorFrame('FERRY_ERR_DISK'))
      await control.write(errorFrame('FERRY_ERR_HASH_MISMATCH'))
      stopAll(streams)
    }, UNREAD)
    const { node, dir } = await senderWithFiles(6, 1024 * 1024)
    const { code } = await sendFiles(node, dir, hostile.port)
    expect(code).toBe('FERRY_ERR_DISK')
    expect(hostile.connections).toBe(1)
  }, 30_000)

  it('a reason that arrives 1 s after the stop is still the reason, and the sender does not come back', async () => {
    const hostile = await hostileReceiver(async (control, _connection, streams) => {
      await sleep(50)
      stopAll(streams)
      await sleep(1000)
      await control.write(errorFrame('FERRY_ERR_DISK'))
    }, UNREAD)
    const { node, dir } = await senderWithFiles(4, 1024 * 1024)
    const { code } = await sendFiles(node, dir, hostile.port)
    expect(code).toBe('FERRY_ERR_DISK')
    expect(hostile.connections).toBe(1)
  }, 30_000)

  it('a reason with a code this sender does not know keeps that code, and the sender does not come back', async () => {
    const hostile = await hostileReceiver(async (control, _connection, streams) => {
      await sleep(50)
      stopAll(streams)
      await control.write(errorFrame('FERRY_ERR_FROM_THE_FUTURE'))
    }, UNREAD)
    const { node, dir } = await senderWithFiles(4, 1024 * 1024)
    const { code } = await sendFiles(node, dir, hostile.port)
    expect(code).toBe('FERRY_ERR_FROM_THE_FUTURE')
    expect(hostile.connections).toBe(1)
  }, 15_000)

  it('a malformed reason is a bad frame, not a lost connection: the sender does not come back', async () => {
    const hostile = await hostileReceiver(async (control, _connection, streams) => {
      await sleep(50)
      stopAll(streams)
      await control.write(frame({ type: 'error', message: 'no code' }))
    }, UNREAD)
    const { node, dir } = await senderWithFiles(4, 1024 * 1024)
    const { code } = await sendFiles(node, dir, hostile.port)
    expect(code).toBe('FERRY_ERR_BAD_FRAME')
    expect(hostile.connections).toBe(1)
  }, 15_000)

  it('where it stops: a reason later than PEER_REASON_WAIT_MS is lost, and the sender reconnects', async () => {
    const hostile = await hostileReceiver(async (control, _connection, streams) => {
      await sleep(50)
      stopAll(streams)
      await sleep(2600)
      await control.write(errorFrame('FERRY_ERR_DISK'))
    }, UNREAD)
    const { node, dir } = await senderWithFiles(4, 4 * 1024 * 1024)
    const { code } = await sendFiles(node, dir, hostile.port)
    expect(code).toBe('FERRY_ERR_CONNECTION_LOST')
    expect(hostile.connections).toBe(3)
  }, 30_000)

  it('a cancel on the control stream with the streams stopped is FERRY_ERR_CANCELLED, one connection', async () => {
    const hostile = await hostileReceiver(async (control, _connection, streams) => {
      await sleep(50)
      stopAll(streams)
      await control.write(frame({ type: 'cancel', reason: 'no' }))
    }, UNREAD)
    const { node, dir } = await senderWithFiles(4, 1024 * 1024)
    const { code } = await sendFiles(node, dir, hostile.port)
    expect(code).toBe('FERRY_ERR_CANCELLED')
    expect(hostile.connections).toBe(1)
  }, 30_000)

  it('a receiver that sends its error but neither reads nor stops the data streams: the sender ends with that reason, in bounded time', async () => {
    const hostile = await hostileReceiver(async (control) => {
      await sleep(50)
      await control.write(errorFrame('FERRY_ERR_DISK'))
    }, UNREAD)
    const { node, dir } = await senderWithFiles(4, 8 * 1024 * 1024)
    const { code } = await sendFiles(node, dir, hostile.port)
    expect(code).toBe('FERRY_ERR_DISK')
    expect(hostile.connections).toBe(1)
  }, 15_000)

  it('a receiver that stops the streams then closes the connection at once ends the sender as lost', async () => {
    const hostile = await hostileReceiver(async (_control, connection, streams) => {
      await sleep(50)
      stopAll(streams)
      connection.close()
    }, UNREAD)
    const { node, dir } = await senderWithFiles(4, 1024 * 1024)
    const { code } = await sendFiles(node, dir, hostile.port, false)
    expect(code).toBe('FERRY_ERR_CONNECTION_LOST')
    expect(hostile.connections).toBe(1)
  }, 15_000)
})
