// Conformance, issue 18: Ferry's LocalSend client sends to a LocalSend receiver (the test peer, written from the
// spec), over http and over https with mutual TLS: folders as relative paths in fileName, each file's SHA-256, two
// uploads at once, progress, the PIN asked on 401, and a clear typed error for 403, 409, 422 and a cancel from
// either side.

import { createHash } from 'node:crypto'
import fs, { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CancelledError, type TransferProgress } from '@ferry/p2p-core'
import {
  LocalSendBusyError, LocalSendCertificateError, LocalSendChecksumError, LocalSendDeclinedError,
  LocalSendForbiddenError, LocalSendPinRequiredError
} from '../src/index.ts'
import { ferryIdentity, startFerry, tempDir, type FerrySide } from './helpers/ferry-side.ts'
import { peerCertificate } from './peer/certificate.ts'
import { call } from './peer/peer-client.ts'
import { startPeerServer, type PeerServer, type PeerServerOptions } from './peer/peer-server.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function peer (options: PeerServerOptions): Promise<PeerServer> {
  const server = await startPeerServer(options)
  cleanups.push(server.close)
  return server
}

async function ferry (protocol: 'http' | 'https'): Promise<FerrySide> {
  const side = await startFerry(protocol)
  cleanups.push(side.close)
  return side
}

const bytes = (n: number, seed = 1): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff))

/** A folder `album` with two files, and a loose file: what the user drops. */
function sources (sizes = { photo: 300_000, note: 12 }): { paths: string[], files: Record<string, Buffer> } {
  const made = tempDir()
  cleanups.push(made.remove)
  mkdirSync(join(made.dir, 'album', 'inner'), { recursive: true })
  const files: Record<string, Buffer> = {
    'album/photo.jpg': bytes(sizes.photo),
    'album/inner/note.txt': bytes(sizes.note, 5),
    'loose.bin': bytes(70_000, 9)
  }
  for (const [path, data] of Object.entries(files)) writeFileSync(join(made.dir, path), data)
  return { paths: [join(made.dir, 'album'), join(made.dir, 'loose.bin')], files }
}

describe.each(['http', 'https'] as const)('Ferry sends to a LocalSend receiver over %s (issue 18)', (protocol) => {
  it('sends files and a folder with relative paths, each with its SHA-256, two at a time, with progress', async () => {
    const receiver = await peer({ protocol, holdUploadsFor: 2 })
    const side = await ferry(protocol)
    const { paths, files } = sources()
    const progress: TransferProgress[] = []
    const result = await side.client.send({ target: { host: '127.0.0.1', port: receiver.port, protocol }, paths, onProgress: (p) => { progress.push(p) } })
    expect(result).toMatchObject({ files: 3, skippedByReceiver: 0, bytesSent: 300_000 + 12 + 70_000 })
    expect([...receiver.received.keys()].sort()).toEqual(Object.keys(files).sort())
    for (const [path, data] of Object.entries(files)) expect(receiver.received.get(path)?.equals(data)).toBe(true)
    const offered = receiver.prepares[0]?.files ?? []
    for (const f of offered) expect(f.sha256).toBe(createHash('sha256').update(files[f.fileName] as Buffer).digest('hex'))
    expect(receiver.prepares[0]?.info).toMatchObject({ alias: 'Ferry Test', version: '2.1', protocol, port: side.target.port })
    expect(receiver.mostParallelUploads()).toBe(2)
    expect(progress.length).toBeGreaterThan(0)
    if (protocol === 'https') {
      const id = await ferryIdentity()
      // Mutual TLS: Ferry presents its certificate, and its fingerprint is the one it claims.
      expect(receiver.prepares[0]?.clientFingerprint).toBe(id.fingerprint)
      expect(receiver.prepares[0]?.info.fingerprint).toBe(id.fingerprint)
      expect(result.fingerprint).toBe(peerCertificate().fingerprint)
    }
  })

  it('asks for the PIN when the receiver answers 401, and tries again with it', async () => {
    const receiver = await peer({ protocol, pin: '1234' })
    const side = await ferry(protocol)
    const { paths } = sources({ photo: 10, note: 1 })
    const asked: boolean[] = []
    const answers = ['9999', '1234']
    const result = await side.client.send({ target: { host: '127.0.0.1', port: receiver.port, protocol }, paths, askPin: async (wrong) => { asked.push(wrong); return answers.shift() } })
    expect(asked).toEqual([false, true])
    expect(receiver.prepares.map((p) => p.pin)).toEqual([undefined, '9999', '1234'])
    expect(result.files).toBe(3)
  })

  it('without a PIN to give, a 401 ends the send with the PIN error', async () => {
    const receiver = await peer({ protocol, pin: '1234' })
    const side = await ferry(protocol)
    await expect(side.client.send({ target: { host: '127.0.0.1', port: receiver.port, protocol }, paths: sources().paths })).rejects.toBeInstanceOf(LocalSendPinRequiredError)
  })

  it('reports a decline (403), a busy receiver (409) and a damaged file (422) each with its own error', async () => {
    const side = await ferry(protocol)
    const declining = await peer({ protocol, decide: () => 'decline' })
    await expect(side.client.send({ target: { host: '127.0.0.1', port: declining.port, protocol }, paths: sources().paths })).rejects.toBeInstanceOf(LocalSendDeclinedError)
    let release = (): void => {}
    const busy = await peer({ protocol, decide: async () => { await new Promise<void>((resolve) => { release = resolve }); return 'decline' as const } })
    const first = side.client.send({ target: { host: '127.0.0.1', port: busy.port, protocol }, paths: sources().paths }).catch((err: unknown) => err)
    await expect.poll(() => busy.prepares.length).toBe(1)
    await expect(side.client.send({ target: { host: '127.0.0.1', port: busy.port, protocol }, paths: sources().paths })).rejects.toBeInstanceOf(LocalSendBusyError)
    release()
    await first
    const damaging = await peer({ protocol, refuseUploads: { status: 422 } })
    await expect(side.client.send({ target: { host: '127.0.0.1', port: damaging.port, protocol }, paths: sources().paths })).rejects.toBeInstanceOf(LocalSendChecksumError)
  })

  it('completes with nothing sent when the receiver wants none of the files (204), and sends only those it chose', async () => {
    const side = await ferry(protocol)
    const none = await peer({ protocol, decide: () => [] })
    const nothing = await side.client.send({ target: { host: '127.0.0.1', port: none.port, protocol }, paths: sources().paths })
    expect(nothing).toMatchObject({ files: 0, skippedByReceiver: 3 })
    const some = await peer({ protocol, decide: (files) => files.filter((f) => f.fileName.endsWith('.bin')).map((f) => f.id) })
    const partial = await side.client.send({ target: { host: '127.0.0.1', port: some.port, protocol }, paths: sources().paths })
    expect(partial).toMatchObject({ files: 1, skippedByReceiver: 2 })
    expect([...some.received.keys()]).toEqual(['loose.bin'])
  })

  it('sends a text message as LocalSend does: one text/plain file whose text is its preview', async () => {
    const receiver = await peer({ protocol })
    const side = await ferry(protocol)
    await side.client.send({ target: { host: '127.0.0.1', port: receiver.port, protocol }, text: 'Grüße aus Ferry' })
    expect(receiver.messages).toEqual(['Grüße aus Ferry'])
  })

  it('cancelled on this side mid-upload: the uploads stop, and the receiver is told with POST /cancel', async () => {
    const controller = new AbortController()
    const receiver = await peer({ protocol, onUploadBytes: (n) => { if (n > 1000) controller.abort() } })
    const side = await ferry(protocol)
    const sent = side.client.send({ target: { host: '127.0.0.1', port: receiver.port, protocol }, paths: sources({ photo: 5_000_000, note: 1 }).paths, signal: controller.signal })
    await expect(sent).rejects.toBeInstanceOf(CancelledError)
    expect(receiver.cancels).toEqual([{ sessionId: receiver.prepares.length === 1 ? expect.any(String) as string : '' }])
    expect(receiver.received.has('album/photo.jpg')).toBe(false)
  })

  it('cancelled by the receiver: its POST /cancel to our server ends the send, as does a refused upload', async () => {
    const side = await ferry(protocol)
    let cancelled = false
    const receiver = await peer({
      protocol,
      onUploadBytes: (n) => {
        if (n > 1000 && !cancelled) {
          cancelled = true
          // The newer apps tell the sender through its own server: POST /cancel with their session id.
          void call(side.target, 'POST', `/api/localsend/v2/cancel?sessionId=${receiver.session()?.id ?? ''}`)
        }
      }
    })
    await expect(side.client.send({ target: { host: '127.0.0.1', port: receiver.port, protocol }, paths: sources({ photo: 20_000_000, note: 1 }).paths })).rejects.toBeInstanceOf(CancelledError)
    const refusing = await peer({ protocol, refuseUploads: { status: 403, afterBytes: 1000 } })
    await expect(side.client.send({ target: { host: '127.0.0.1', port: refusing.port, protocol }, paths: sources().paths })).rejects.toBeInstanceOf(LocalSendForbiddenError)
  })
})

describe('a refused upload closes its file once (issue 18; EBADF under load)', () => {
  it('never closes a file\'s descriptor by its number behind its handle, so a number reused meanwhile stays open', async () => {
    const side = await ferry('http')
    // A device that closes at once: the upload's stream is destroyed mid-file.
    const refusing = await peer({ protocol: 'http', refuseUploads: { status: 403, afterBytes: 1000, abrupt: true } })
    // A stream given the bare number closes it when destroyed (autoClose or not) and the handle closed it again.
    const closes = vi.spyOn(fs, 'close')
    try {
      // Refused or cut: whichever the reset leaves the sender to read first.
      const err = await side.client.send({ target: { host: '127.0.0.1', port: refusing.port, protocol: 'http' }, paths: sources({ photo: 3_000_000, note: 1 }).paths }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: expect.stringMatching(/^FERRY_ERR_(LOCALSEND_FORBIDDEN|CONNECTION_LOST)$/) })
      expect(closes).not.toHaveBeenCalled()
    } finally {
      closes.mockRestore()
    }
  })
})

describe('Ferry\'s LocalSend client over https (issue 18)', () => {
  it('refuses a device whose certificate is not the one known for it, before it sees the offer', async () => {
    const receiver = await peer({ protocol: 'https' })
    const side = await ferry('https')
    const target = { host: '127.0.0.1', port: receiver.port, protocol: 'https' as const, fingerprint: 'AB'.repeat(32) }
    await expect(side.client.send({ target, paths: sources().paths })).rejects.toBeInstanceOf(LocalSendCertificateError)
    expect(receiver.prepares).toEqual([])
    const known = await side.client.send({ target: { ...target, fingerprint: peerCertificate().fingerprint }, paths: sources().paths })
    expect(known.files).toBe(3)
  })

  it('registers with a device and reads its info', async () => {
    const receiver = await peer({ protocol: 'https' })
    const side = await ferry('https')
    const target = { host: '127.0.0.1', port: receiver.port, protocol: 'https' as const }
    expect(await side.client.info(target)).toMatchObject({ alias: 'Test Peer', deviceType: 'headless', certificateFingerprint: peerCertificate().fingerprint })
    expect(await side.client.register(target)).toMatchObject({ alias: 'Test Peer', deviceModel: 'Conformance' })
    expect(receiver.registers[0]).toMatchObject({ body: { alias: 'Ferry Test', fingerprint: (await ferryIdentity()).fingerprint }, clientFingerprint: (await ferryIdentity()).fingerprint })
  })
})
