// A receiver that ends a transfer part way (its user cancels, its disk fills) stops the data streams and says why
// on the control stream. The two travel on different QUIC streams, so the stopped stream can reach the sender
// first. The sender must still report the receiver's reason, and must not take the stop for a lost connection and
// come back with the same offer: the receiver's user would be asked again about a transfer that was stopped there.

import { execFileSync } from 'node:child_process'
import { mkdir, statfs, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CancelledError, DiskError, HashMismatchError, type FerryConnection, type FerryStream, type IncomingOffer, type Transport } from '../src/index.ts'
import { bytes, writeTree } from './helpers/files.ts'
import { faultyTransport } from './helpers/faulty-transport.ts'
import { createFixture, type Fixture } from './helpers/nodes.ts'

const MiB = 1024 * 1024
const LATE_MS = 300
let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

/**
 * The receiving side's transport, with its last control frame (a cancel or an error) held back `lateMs`: whatever
 * the receiver does to its data streams reaches the sender first. Counts the connections the receiver takes, and
 * logs, in order, each last frame it starts to send and each data stream it stops.
 */
function receivingSide (inner: Transport, lateMs: number, seen: { connections: number, log: string[] }): Transport {
  const last = /"type":"(cancel|error)"/
  const control = (s: FerryStream): FerryStream => ({
    read: s.read,
    write: async (data) => {
      const frame = last.exec(Buffer.from(data).toString('latin1'))
      if (frame !== null) {
        seen.log.push(`${frame[1] ?? ''} frame`)
        await new Promise((resolve) => setTimeout(resolve, lateMs))
      }
      await s.write(data)
    },
    finish: s.finish,
    reset: s.reset
  })
  const data = (s: FerryStream): FerryStream => ({ ...s, reset: () => { seen.log.push('data stream stopped'); s.reset() } })
  const connection = (c: FerryConnection): FerryConnection => {
    let streams = 0
    return {
      get remotePeerId () { return c.remotePeerId },
      get remoteAddress () { return c.remoteAddress },
      get closed () { return c.closed },
      openStream: c.openStream,
      close: c.close,
      acceptStream: async () => {
        const s = await c.acceptStream()
        return streams++ === 0 ? control(s) : data(s)
      }
    }
  }
  return {
    get peerId () { return inner.peerId },
    close: inner.close,
    dial: inner.dial,
    listen: async (a) => {
      const l = await inner.listen(a)
      return {
        get address () { return l.address },
        close: l.close,
        accept: async () => { const c = await l.accept(); seen.connections++; return connection(c) }
      }
    }
  }
}

describe('a receiver that stops a transfer part way', () => {
  it('makes the sender report its cancel, once, even when the cancel arrives after the stopped data streams', async () => {
    await writeTree(fx.dir, { 'film.bin': bytes(32 * MiB) })
    const seen = { connections: 0, log: [] as string[] }
    const receiver = await fx.node({ wrap: (t) => receivingSide(t, LATE_MS, seen) })
    const sender = await fx.node({ wrap: (t) => faultyTransport(t, { writeDelayMs: 5 }) })
    const stop = new AbortController()
    const offers: IncomingOffer[] = []
    receiver.on('offer', (o) => { offers.push(o); if (offers.length > 1) void o.respond({ accept: false }).catch(() => {}) })
    const received = new Promise<IncomingOffer>((resolve) => { receiver.once('offer', resolve) }).then(async (o) => await o.respond({
      accept: true,
      dir: join(fx.dir, 'in'),
      signal: stop.signal,
      onProgress: (p) => { if (p.bytesDone >= 2 * MiB) stop.abort() }
    }))
    received.catch(() => {})
    await expect(sender.send({ address: receiver.address, paths: [join(fx.dir, 'film.bin')] })).rejects.toBeInstanceOf(CancelledError)
    await expect(received).rejects.toBeInstanceOf(CancelledError)
    expect(offers).toHaveLength(1)
    expect(seen.connections).toBe(1)
  })

  const canMount = process.getuid?.() === 0
  it.skipIf(!canMount)(`makes the sender report its full disk, once, even when the error arrives after the stopped data streams${canMount ? '' : ' (skipped: mounting a tmpfs needs root)'}`, async () => {
    await writeTree(fx.dir, { 'film.bin': bytes(10 * MiB) })
    const disk = join(fx.dir, 'small-disk')
    await mkdir(disk)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', disk])
    try {
      const seen = { connections: 0, log: [] as string[] }
      const receiver = await fx.node({ wrap: (t) => receivingSide(t, LATE_MS, seen) })
      const sender = await fx.node({ wrap: (t) => faultyTransport(t, { writeDelayMs: 20 }) })
      const offers: IncomingOffer[] = []
      receiver.on('offer', (o) => { offers.push(o); if (offers.length > 1) void o.respond({ accept: false }).catch(() => {}) })
      let filled = false
      const received = new Promise<IncomingOffer>((resolve) => { receiver.once('offer', resolve) }).then(async (o) => await o.respond({
        accept: true,
        dir: join(disk, 'in'),
        onProgress: (p) => {
          if (filled || p.bytesDone < 2 * MiB) return
          filled = true
          // Another program takes what is left of the disk.
          void statfs(disk).then(async (s) => { await writeFile(join(disk, 'filler'), Buffer.alloc(Math.max(0, s.bavail * s.bsize - 64 * 1024))) }).catch(() => {})
        }
      }))
      received.catch(() => {})
      await expect(sender.send({ address: receiver.address, paths: [join(fx.dir, 'film.bin')] })).rejects.toBeInstanceOf(DiskError)
      await expect(received).rejects.toBeInstanceOf(DiskError)
      expect(offers).toHaveLength(1)
      expect(seen.connections).toBe(1)
    } finally {
      execFileSync('umount', ['-l', disk])
    }
  })

  it('tells the sender why before it stops the data streams (a damaged file while another streams)', async () => {
    // The first file is damaged on the way; the second is still streaming when the receiver finds out.
    await writeTree(fx.dir, { 'src/a.bin': bytes(1 * MiB), 'src/b.bin': bytes(32 * MiB) })
    const seen = { connections: 0, log: [] as string[] }
    const receiver = await fx.node({ wrap: (t) => receivingSide(t, 0, seen) })
    const sender = await fx.node({ wrap: (t) => faultyTransport(t, { corruptAt: 4096, writeDelayMs: 5 }) })
    const received = new Promise<IncomingOffer>((resolve) => { receiver.once('offer', resolve) })
      .then(async (o) => await o.respond({ accept: true, dir: join(fx.dir, 'in') }))
    received.catch(() => {})
    await expect(sender.send({ address: receiver.address, paths: [join(fx.dir, 'src')], reconnect: false })).rejects.toBeInstanceOf(HashMismatchError)
    await expect(received).rejects.toBeInstanceOf(HashMismatchError)
    expect(seen.log[0]).toBe('error frame')
    expect(seen.log).toContain('data stream stopped')
  })
})
