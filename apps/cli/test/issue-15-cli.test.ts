// Issue 15, the CLI as a newcomer meets it, with croc's manners: the README's upload-only share works; a usage error
// is one line and a pointer to the help; an address without a port says so; "Waiting for ... to accept" appears only
// once the device has the offer; the final line measures from the accept, in human units; `send --alias`; offers
// with hidden folders are never accepted by --yes; a folder that cannot be read is a Ferry error.

import { createSocket } from 'node:dgram'
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { existsSync } from 'node:fs'
import { uploadFiles } from '@ferry/http-share'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { amountInTime, count, formatDuration, formatRate } from '../src/human-units.ts'
import { formatBytes } from '../src/output.ts'
import { runFerry, type CliRun } from './helpers/cli-process.ts'

let dir: string
const children: CliRun[] = []
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-cli-15-'))
  await chmod(dir, 0o755)
})
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

function ferry (args: string[], name: string, prefix: string[] = []): CliRun {
  const run = runFerry(args, { FERRY_CONFIG_DIR: join(dir, `config-${name}`) }, prefix)
  children.push(run)
  return run
}

async function receiver (extra: string[] = []): Promise<{ run: CliRun, address: string, out: string }> {
  const out = join(dir, 'received')
  const run = ferry(['receive', '--dir', out, '--host', '127.0.0.1', '--port', '0', '--once', '--json', ...extra], 'receiver')
  const listening = await run.waitFor('listening')
  return { run, address: listening.address as string, out }
}

/** A UDP port free on 127.0.0.1 right now. */
async function freeUdpPort (): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => { socket.bind(0, '127.0.0.1', resolve) })
  const { port } = socket.address()
  socket.close()
  return port
}

describe('numbers as the CLI prints them (issue 15)', () => {
  it('rounds durations, rates and sizes into human units, and leaves out a rate a few milliseconds cannot give', () => {
    expect([0.012, 0.2, 3.44, 9.96, 42.4, 125, 3600, 3725].map(formatDuration)).toEqual(['12 ms', '200 ms', '3.4 s', '10.0 s', '42 s', '2 min 5 s', '1 h', '1 h 2 min'])
    expect(formatBytes(61.777089645064265)).toBe('62 B')
    expect(formatRate(3, 0.0486)).toBeUndefined()
    expect(formatRate(1_250_000_000, 10)).toBe('125 MB/s')
    expect(amountInTime(3, 0.0486)).toBe('3 B in 49 ms')
    expect(amountInTime(1_200_000_000, 9.8)).toBe('1.2 GB in 9.8 s (122 MB/s)')
    expect([count(1, 'file'), count(2, 'file'), count(0, 'entry', 'entries')]).toEqual(['1 file', '2 files', '0 entries'])
  })
})

describe('ferry on the command line (issue 15)', () => {
  it('says a usage error in one line with a pointer to the command\'s help, not the whole help', async () => {
    const missing = await ferry(['send', join(dir, 'a.txt')], 'sender').exited
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe("ferry: required option '-t, --to <target>' not specified\nsee ferry send --help\n")
    const unknown = await ferry(['receive', '--bogus'], 'receiver').exited
    expect(unknown.stderr).toBe("ferry: unknown option '--bogus'\nsee ferry receive --help\n")
    expect(`${missing.stdout}${unknown.stdout}`).not.toContain('Usage:')
  })

  it('says an address has no port instead of looking for a device called 10.0.0.2', async () => {
    for (const target of ['10.0.0.2', '10.0.0.2/12D3KooWGkJZmzXXe9TfqMdF2Hpe8sH6Vbbvu3bLrkXSbRZ4mheE', '[fe80::1]']) {
      const result = await ferry(['send', '--text', 'hi', '--to', target], 'sender').exited
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(`${target} has no port. Give HOST:PORT, or HOST:PORT/DEVICE_ID as \`ferry receive\` prints it`)
      expect(result.stderr).not.toContain('No device called')
    }
  })

  it('says a device id after an address is not one instead of looking for a device called so (red team)', async () => {
    for (const target of ['127.0.0.1:9/notanid', 'ferry://127.0.0.1:9/0OIl']) {
      const result = await ferry(['send', '--text', 'hi', '--to', target], 'sender').exited
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('is not a Ferry device id: give the id `ferry receive` prints after its address (FERRY_ERR_PEER_NOT_FOUND)')
      expect(result.stderr).not.toContain('No device called')
    }
  })

  it('runs the README\'s upload-only share: `ferry share --allow-upload --dir DIR` takes a browser\'s files', async () => {
    const inbox = join(dir, 'inbox')
    const run = ferry(['share', '--allow-upload', '--yes', '--dir', inbox, '--host', '127.0.0.1', '--port', '0', '--json'], 'share')
    const shared = await run.waitFor('share')
    expect(shared).toMatchObject({ allowUpload: true, files: 0, totalBytes: 0, dir: inbox })
    const manifest = await (await fetch(`${shared.url as string}files`)).json() as { name: string, files: unknown[], allowUpload: boolean }
    expect(manifest).toMatchObject({ files: [], allowUpload: true })
    expect(manifest.name).toMatch(/^Send files to /)
    const note = join(dir, 'note.txt')
    await writeFile(note, 'from a phone')
    await uploadFiles(shared.url as string, { files: [{ path: note }], alias: 'Phone' })
    expect(await readFile(join(inbox, 'note.txt'), 'utf8')).toBe('from a phone')
    const refused = await ferry(['share'], 'share-none').exited
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe('ferry: give files or folders to share, or --allow-upload for a page that only takes files\nsee ferry share --help\n')
  })

  it('says "Waiting for ... to accept" only once the device has the offer: never for an unreachable host or a missing file', async () => {
    const unreachable = await ferry(['send', '--text', 'x', '--to', `127.0.0.1:${await freeUdpPort()}`], 'sender').exited
    expect(unreachable.stderr).toContain('FERRY_ERR_UNREACHABLE')
    const r = await receiver(['--yes'])
    const missing = await ferry(['send', join(dir, 'nope.txt'), '--to', r.address], 'sender').exited
    expect(missing.stderr).toContain('FERRY_ERR_SOURCE_NOT_FOUND')
    expect(`${unreachable.stdout}${missing.stdout}`).not.toContain('Waiting for')

    await writeFile(join(dir, 'a.txt'), 'abc')
    const sent = await ferry(['send', join(dir, 'a.txt'), '--to', r.address], 'sender').exited
    expect(sent.code, sent.stderr).toBe(0)
    const [hostPort] = r.address.split('/')
    expect(sent.stdout).toContain(`Waiting for ${hostPort as string} to accept...\n`)
    // Three bytes: no rate (a few milliseconds say nothing about bandwidth), and no raw float anywhere.
    expect(sent.stdout).toMatch(/\nSent 1 file, 3 B in \d+ ms, verified by the receiver\n$/)
  })

  it('measures the final time from the accept, not from the offer, and sends under --alias', async () => {
    const r = await receiver([])
    await writeFile(join(dir, 'b.txt'), 'bytes')
    const sender = ferry(['send', join(dir, 'b.txt'), '--to', r.address, '--alias', 'Kitchen', '--json'], 'sender')
    expect(await r.run.waitFor('offer')).toMatchObject({ from: { alias: 'Kitchen' } })
    // The receiver takes 3 s to answer.
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    r.run.child.stdin?.end('y\n')
    const result = await sender.exited
    expect(result.code, result.stderr).toBe(0)
    const done = sender.events.find((e) => e.type === 'done') as { seconds: number, transferSeconds: number }
    expect(done.seconds).toBeGreaterThan(3)
    expect(done.transferSeconds).toBeLessThan(done.seconds - 2)
  })

  it('--yes never takes an offer that creates or enters a hidden folder: it is declined, with a warning line', async () => {
    const port = await freeUdpPort()
    const out = join(dir, 'home')
    const run = ferry(['receive', '--dir', out, '--host', '127.0.0.1', '--port', String(port), '--once', '--yes'], 'receiver')
    const src = join(dir, 'payload')
    await mkdir(join(src, '.ssh'), { recursive: true })
    await writeFile(join(src, '.ssh', 'authorized_keys'), 'ssh-ed25519 AAAA attacker')
    let sent: Awaited<CliRun['exited']> | undefined
    // The receiver may still be starting: try until it answers.
    for (let attempt = 0; attempt < 20 && (sent === undefined || sent.stderr.includes('FERRY_ERR_UNREACHABLE')); attempt++) {
      sent = await ferry(['send', src, '--to', `127.0.0.1:${port}`], 'sender').exited
    }
    expect(sent?.stderr).toContain('FERRY_ERR_PEER_DECLINED')
    // --once waits on past an offer it declined (receive-once-red-team.test.ts): stop it here.
    run.child.kill('SIGTERM')
    const received = await run.exited
    expect(received.stdout).toContain('WARNING: a path creates or enters a hidden folder or file (payload/.ssh/authorized_keys)')
    expect(received.stdout).toContain('Declined: an offer with hidden folders or files is never accepted without asking.')
    expect(await readdir(out).catch(() => [])).toEqual([])
  })

  it.skipIf(process.getuid?.() !== 0 || !existsSync('/usr/bin/setpriv'))('shares a folder it cannot read into with FERRY_ERR_SOURCE_NOT_FOUND naming the path, not a raw EACCES', async () => {
    const shared = join(dir, 'shared')
    await mkdir(join(shared, 'secret'), { recursive: true })
    await writeFile(join(shared, 'visible.txt'), 'ok')
    await chmod(shared, 0o755)
    await chmod(join(shared, 'secret'), 0o700)
    const config = join(dir, 'config-nobody')
    await mkdir(config)
    await chmod(config, 0o777)
    // As another user (nobody), for whom `secret` is closed; root reads everything.
    const result = await ferry(['share', shared, '--host', '127.0.0.1', '--port', '0'], 'nobody', ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']).exited
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`ferry: Cannot share that: Ferry cannot read ${join(shared, 'secret')} (permission denied) (FERRY_ERR_SOURCE_NOT_FOUND)\n`)
  })
})
