import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { createHash, randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FerryNode, generateIdentity, type IncomingOffer } from '@ferry/p2p-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileSha256 } from './helpers/tree-digest.ts'
import { runFerry, type CliRun } from './helpers/cli-process.ts'

// Ferry's promise: a file either arrives whole and verified under its name, or it does not appear. Each run starts
// a multi-file transfer, kills one side with SIGKILL at a random moment inside it, restarts that side, sends what
// is still missing, and checks that nothing damaged was ever visible under a final name and that the run ends with
// every file verified.

const RUNS = 50
const FILE_SIZES = [8, 4, 2, 0.25, 0.01, 0].map((mib) => Math.round(mib * 1024 * 1024))

let dir: string
let src: string
const expected = new Map<string, string>() // basename -> sha256
const children: CliRun[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-crash-'))
  src = join(dir, 'src')
  await mkdir(src, { recursive: true })
  for (const [i, size] of FILE_SIZES.entries()) {
    const data = randomBytes(size)
    await writeFile(join(src, `file-${i}.bin`), data)
    expected.set(`file-${i}.bin`, createHash('sha256').update(data).digest('hex'))
  }
})
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

/** Every visible file in `dest` (hidden partials left out) must be whole and equal to its source; returns their names. */
async function visibleAndWhole (dest: string): Promise<string[]> {
  const names: string[] = []
  for (const entry of await readdir(dest, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isFile() || entry.name.startsWith('.')) continue
    expect(expected.has(entry.name), `unexpected visible file ${entry.name}`).toBe(true)
    expect(await fileSha256(join(dest, entry.name)), `${entry.name} is visible but damaged`).toBe(expected.get(entry.name))
    names.push(entry.name)
  }
  return names
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }
const missingIn = async (dest: string): Promise<string[]> => {
  const have = new Set(await visibleAndWhole(dest))
  return [...expected.keys()].filter((f) => !have.has(f)).map((f) => join(src, f))
}

function startReceiver (dest: string): CliRun {
  const run = runFerry(['receive', '--dir', dest, '--host', '127.0.0.1', '--yes', '--json'], { FERRY_CONFIG_DIR: join(dir, 'receiver-config') })
  children.push(run)
  return run
}

async function targetOf (receiver: CliRun): Promise<{ address: { host: string, port: number }, peerId: string }> {
  const [hostPort, peerId] = String((await receiver.waitFor('listening')).address).split('/')
  const [host, port] = String(hostPort).split(':')
  return { address: { host: host as string, port: Number(port) }, peerId: peerId as string }
}

describe('killed at random points and restarted', () => {
  it(`the receiver: ${RUNS} runs, each killed mid-transfer, never show a damaged file and each ends verified`, async () => {
    const sender = await FerryNode.create({ identity: await generateIdentity(), listen: { host: '127.0.0.1', port: 0 } })
    let interrupted = 0
    try {
      // One undisturbed transfer tells how long the kill window is on this machine now.
      const calibration = startReceiver(join(dir, 'calibrate-r'))
      const t0 = performance.now()
      await sender.send({ ...await targetOf(calibration), paths: [src] })
      let window = Math.max(20, performance.now() - t0)
      calibration.child.kill('SIGKILL')

      for (let run = 0; run < RUNS; run++) {
        const dest = join(dir, `receiver-killed-${run}`)
        const first = startReceiver(dest)
        const stop = new AbortController()
        const sending = sender.send({ ...await targetOf(first), paths: [...expected.keys()].map((f) => join(src, f)), signal: stop.signal })
          .then(() => false, () => true)
        // The calibration run can be slower than the runs after it (a loaded machine), so kills are drawn from the
        // first 70 % of its time: most land inside the transfer, from its first frames to its last files.
        await sleep(Math.random() * window * 0.7)
        first.child.kill('SIGKILL')
        // The sender would notice the dead receiver at QUIC's idle timeout; this test is about the receiver's disk.
        stop.abort()
        if (await sending) interrupted++
        // A kill after the transfer's end proves nothing: the next kills are drawn from a shorter window (the
        // first transfer, which set it, is the slowest; later ones can be several times faster).
        else window = Math.max(20, window * 0.7)
        // Only the test's kill may end a receiver: one that died on its own (a crash) would pass for an interrupted transfer.
        const ended = await first.exited
        expect(ended.signal, `run ${run}: the receiver ended before the kill: ${JSON.stringify(ended)}`).toBe('SIGKILL')
        await visibleAndWhole(dest)

        const second = startReceiver(dest)
        const missing = await missingIn(dest)
        if (missing.length > 0) await sender.send({ ...await targetOf(second), paths: missing })
        second.child.kill('SIGKILL')
        expect((await visibleAndWhole(dest)).sort()).toEqual([...expected.keys()].sort())
      }
      // Under load some kills land after the transfer ended; enough must land inside it to prove anything.
      expect(interrupted, 'kills should land inside a transfer').toBeGreaterThanOrEqual(RUNS / 10)
    } finally {
      await sender.close()
    }
  }, 300_000)

  it(`the sender: ${RUNS} runs, each killed mid-transfer, never leave a damaged file and each ends verified`, async () => {
    const receiver = await FerryNode.create({ identity: await generateIdentity(), listen: { host: '127.0.0.1', port: 0 } })
    let dest = ''
    const offers: IncomingOffer[] = []
    receiver.on('offer', (offer) => { offers.push(offer); void offer.respond({ accept: true, dir: dest }).catch(() => {}) })
    const send = (paths: string[]): CliRun => {
      const run = runFerry(['send', ...paths, '--to', `127.0.0.1:${receiver.address.port}/${receiver.peerId}`, '--json'], { FERRY_CONFIG_DIR: join(dir, 'sender-config') })
      children.push(run)
      return run
    }
    let interrupted = 0
    try {
      dest = join(dir, 'calibrate-s')
      const calibration = send([src])
      while (offers.length === 0) await sleep(5)
      const t0 = performance.now()
      const calibrated = await calibration.exited
      expect(calibrated.code, calibrated.stderr + calibrated.stdout).toBe(0)
      let window = Math.max(20, performance.now() - t0)

      for (let run = 0; run < RUNS; run++) {
        dest = join(dir, `sender-killed-${run}`)
        const seen = offers.length
        const first = send([...expected.keys()].map((f) => join(src, f)))
        while (offers.length === seen && first.child.exitCode === null) await sleep(2)
        await sleep(Math.random() * window)
        first.child.kill('SIGKILL')
        if ((await first.exited).code !== 0) interrupted++
        else window = Math.max(20, window * 0.7)
        // Frames the sender wrote before it died may still be in flight here; let the receiver take them first.
        await sleep(300)
        await visibleAndWhole(dest)

        const missing = await missingIn(dest)
        if (missing.length > 0) {
          const second = await send(missing).exited
          expect(second.code, second.stderr + second.stdout).toBe(0)
        }
        expect((await visibleAndWhole(dest)).sort()).toEqual([...expected.keys()].sort())
      }
      // Under load some kills land after the transfer ended; enough must land inside it to prove anything.
      expect(interrupted, 'kills should land inside a transfer').toBeGreaterThanOrEqual(RUNS / 10)
    } finally {
      await receiver.close()
    }
  }, 300_000)
})
