// Issue 4 through the real `ferry share` process: the link and PIN it prints, a download through it, uploads from a
// browser-like client accepted with --yes or on the terminal, expiry, and the exit codes.

import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UploadDeclinedError, uploadFiles } from '@ferry/http-share'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openRaw } from '../../../packages/http-share/test/helpers/raw-socket.ts'
import { runFerry, type CliRun } from './helpers/cli-process.ts'

let dir: string
const children: CliRun[] = []
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ferry-cli-share-')) })
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

function ferryShare (args: string[]): CliRun {
  const run = runFerry(['share', '--host', '127.0.0.1', '--port', '0', '--json', ...args], { FERRY_CONFIG_DIR: join(dir, 'config') })
  children.push(run)
  return run
}

describe('ferry share', () => {
  it('prints the link and PIN as JSON, serves a download through them, and stops on Ctrl-C with exit 0', async () => {
    const file = join(dir, 'report.pdf')
    const bytes = randomBytes(300_000)
    await writeFile(file, bytes)
    const run = ferryShare([file, '--pin', '--expires', '30m'])
    const shared = await run.waitFor('share')
    expect(shared.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]{22}\/$/)
    expect(shared.pin).toMatch(/^[0-9]{6}$/)
    expect(Date.parse(shared.expiresAt as string) - Date.now()).toBeGreaterThan(29 * 60_000)
    expect(shared).toMatchObject({ files: 1, totalBytes: 300_000, allowUpload: false })

    const url = shared.url as string
    expect((await fetch(`${url}files/0`)).status).toBe(401)
    const pin = await fetch(`${url}pin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: shared.pin }) })
    const cookie = (pin.headers.get('set-cookie') ?? '').split(';')[0] as string
    const download = await fetch(`${url}files/0`, { headers: { cookie } })
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true)
    expect(await run.waitFor('download')).toMatchObject({ path: 'report.pdf', bytes: 300_000, complete: true, from: '127.0.0.1' })

    run.child.kill('SIGINT')
    const exited = await run.exited
    expect(exited.code, exited.stderr).toBe(0)
    expect(run.events.map((e) => e.type)).toContain('stopped')
    expect(run.events.at(-1)?.type).toBe('stats')
  })

  it('with --allow-upload --yes, saves a browser\'s files, verified, into --dir', async () => {
    await writeFile(join(dir, 'shared.txt'), 'shared')
    const inbox = join(dir, 'inbox')
    const run = ferryShare([join(dir, 'shared.txt'), '--allow-upload', '--yes', '--dir', inbox])
    const shared = await run.waitFor('share')
    expect(shared).toMatchObject({ allowUpload: true, dir: inbox })
    const photo = join(dir, 'photo.jpg')
    await writeFile(photo, randomBytes(1024 * 1024 + 5))
    const sent = await uploadFiles(shared.url as string, { files: [{ path: photo }], alias: 'Phone' })
    expect(sent.files.map((f) => f.savedAs)).toEqual(['photo.jpg'])
    expect(await run.waitFor('offer')).toMatchObject({ from: { alias: 'Phone', peerId: 'browser:127.0.0.1' }, files: 1, totalBytes: 1024 * 1024 + 5 })
    expect(await run.waitFor('received')).toMatchObject({ files: 1, bytes: 1024 * 1024 + 5 })
    expect((await readFile(join(inbox, 'photo.jpg'))).equals(await readFile(photo))).toBe(true)
  })

  it('with --yes, takes each visitor\'s upload at once: one that trickles does not hold back another (issue 14)', async () => {
    await writeFile(join(dir, 'shared.txt'), 'shared')
    const inbox = join(dir, 'inbox')
    const run = ferryShare([join(dir, 'shared.txt'), '--allow-upload', '--yes', '--dir', inbox])
    const url = (await run.waitFor('share')).url as string
    // The first visitor offers 10 MiB, then sends one small frame every 200 ms (enough to stay within the idle timeout).
    const trickler = await openRaw(url)
    await trickler.next('hello')
    trickler.send({ type: 'offer', files: [{ path: 'slow.bin', size: 10 * 1024 * 1024, lastModified: 0 }] })
    await trickler.next('answer')
    trickler.send({ type: 'file', id: 0 })
    let trickles = 0
    const timer = setInterval(() => { if (trickles++ < 300) trickler.ws.send(Buffer.alloc(16)) }, 200)
    try {
      const note = join(dir, 'note.txt')
      await writeFile(note, 'second visitor')
      const second = uploadFiles(url, { files: [{ path: note }] })
      const deadline = new Promise<never>((_resolve, reject) => { setTimeout(() => { reject(new Error('the second upload was not taken while the first one trickled')) }, 20_000).unref() })
      expect((await Promise.race([second, deadline])).files.map((f) => f.savedAs)).toEqual(['note.txt'])
      expect(trickler.ws.readyState).toBe(trickler.ws.OPEN)
      expect(trickler.messages.map((m) => m.type)).not.toContain('error')
    } finally {
      clearInterval(timer)
      trickler.ws.terminate()
    }
  })

  it('reports the entries of a shared folder it leaves out: links are not followed (issue 14)', async () => {
    await mkdir(join(dir, 'folder'))
    await writeFile(join(dir, 'folder', 'a.txt'), 'a')
    await symlink('/etc/passwd', join(dir, 'folder', 'passwd'))
    const run = ferryShare([join(dir, 'folder')])
    expect(await run.waitFor('share')).toMatchObject({
      files: 1, skippedCount: 1, skipped: [{ path: 'folder/passwd', localPath: join(dir, 'folder', 'passwd'), reason: 'symlink', detail: '-> /etc/passwd' }]
    })
  })

  it('asks on the terminal before taking an upload, and declines on "n"', async () => {
    await writeFile(join(dir, 'shared.txt'), 'shared')
    const inbox = join(dir, 'inbox')
    const run = ferryShare([join(dir, 'shared.txt'), '--allow-upload', '--dir', inbox])
    const shared = await run.waitFor('share')
    const note = join(dir, 'note.txt')
    await writeFile(note, 'hello')
    const declined = uploadFiles(shared.url as string, { files: [{ path: note }] })
    declined.catch(() => {})
    await run.waitFor('offer')
    run.child.stdin?.write('n\n')
    await expect(declined).rejects.toBeInstanceOf(UploadDeclinedError)
    await run.waitFor('declined')

    const accepted = uploadFiles(shared.url as string, { files: [{ path: note }] })
    await new Promise<void>((resolve) => {
      const check = (): void => { if (run.events.filter((e) => e.type === 'offer').length === 2) resolve(); else setTimeout(check, 50) }
      check()
    })
    run.child.stdin?.write('y\n')
    await accepted
    expect((await readFile(join(inbox, 'note.txt'))).toString()).toBe('hello')
  })

  it('after expiry keeps telling visitors "This share has ended" for --linger, then exits 0 (issue 15)', async () => {
    await writeFile(join(dir, 'a.txt'), 'a')
    const run = ferryShare([join(dir, 'a.txt'), '--expires', '1s', '--linger', '3s'])
    const shared = await run.waitFor('share')
    expect(await run.waitFor('expired')).toMatchObject({ lingerMs: 3_000 })
    expect(run.child.exitCode).toBeNull()
    const page = await fetch(shared.url as string)
    expect(page.status).toBe(410)
    expect(await page.text()).toContain('This share has ended')
    const exited = await run.exited
    expect(exited.code, exited.stderr).toBe(0)
    expect(run.events.map((e) => e.type).slice(-3)).toEqual(['expired', 'stopped', 'stats'])
    expect(Date.parse(shared.expiresAt as string)).toBeLessThanOrEqual(Date.now())
  })

  it('stops at once on Ctrl-C while it lingers after expiry, and exits 0 (issue 16: the linger is a deadline helper)', async () => {
    await writeFile(join(dir, 'a.txt'), 'a')
    const run = ferryShare([join(dir, 'a.txt'), '--expires', '1s', '--linger', '10m'])
    await run.waitFor('expired')
    run.child.kill('SIGINT')
    const exited = await run.exited
    expect(exited.code, exited.stderr).toBe(0)
    expect(run.events.map((e) => e.type).slice(-3)).toEqual(['expired', 'stopped', 'stats'])
  })

  it('exits 1 with a stable code when a path does not exist, and refuses a nonsense --expires', async () => {
    const missing = ferryShare([join(dir, 'nope.txt')])
    const exited = await missing.exited
    expect(exited.code).toBe(1)
    expect(missing.events.find((e) => e.type === 'error')).toMatchObject({ code: 'FERRY_ERR_SOURCE_NOT_FOUND' })
    const bad = ferryShare([join(dir, 'nope.txt'), '--expires', 'soon'])
    const badExit = await bad.exited
    expect(badExit.code).not.toBe(0)
    expect(badExit.stderr).toMatch(/Not a duration/)
  })

  it('says a --expires or --linger that is too long is too long, never an internal error, and shares nothing', async () => {
    const file = join(dir, 'a.txt')
    await writeFile(file, 'a')
    for (const [args, said] of [
      [['--expires', '100000000d'], /too long: at most 30d/],
      [['--expires', '1000000000d'], /too long/],
      [['--expires', '31d'], /too long: at most 30d/],
      [['--linger', '2d'], /too long: at most 1d/]
    ] as const) {
      const run = ferryShare([file, ...args])
      const ended = await run.exited
      expect(ended.code, ended.stderr).not.toBe(0)
      expect(ended.stderr).toMatch(said)
      expect(ended.stderr + ended.stdout).not.toMatch(/INTERNAL|longer than zero/)
      expect(run.events.find((e) => e.type === 'share')).toBeUndefined()
    }
  })
})
