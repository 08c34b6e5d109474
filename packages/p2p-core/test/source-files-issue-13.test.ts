// Issue 13: what the sender lists and reads. Links inside a sent folder are not followed unless asked, everything
// left out is reported with its reason, and a file is read only if it is still the file that was listed.

import { execFileSync } from 'node:child_process'
import { fstatSync } from 'node:fs'
import { lstat, mkdir, mkdtemp, readFile, rename, rm, stat, symlink, unlink, utimes, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultLimits } from '../src/limits.ts'
import { createFixture } from './helpers/nodes.ts'
import { checkUnchangedStats, collectSourceFiles, offeredMtime, openSource, readFolder, readSourceBlocking, type SourceListing } from '../src/transfer/source-files.ts'

let dir: string
let socketServer: Server | undefined
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ferry-sources-')) })
afterEach(async () => {
  await new Promise<void>((resolve) => { if (socketServer === undefined) resolve(); else socketServer.close(() => { resolve() }) })
  socketServer = undefined
  await rm(dir, { recursive: true, force: true })
})

/** album/ as an attacker (or a careless download) leaves it: one real file and everything a walker must not take blindly. */
async function hostileAlbum (): Promise<string> {
  const album = join(dir, 'album')
  await mkdir(join(album, 'real-folder'), { recursive: true })
  await writeFile(join(album, 'photo.jpg'), 'pixels')
  await writeFile(join(album, 'real-folder', 'inner.txt'), 'inner')
  await mkdir(join(dir, 'outside', 'folder'), { recursive: true })
  await writeFile(join(dir, 'outside', 'secret.txt'), 'not for sending')
  await writeFile(join(dir, 'outside', 'folder', 'linked.txt'), 'through a folder link')
  await symlink('/etc/passwd', join(album, 'passwd'))
  await symlink(join(dir, 'outside', 'secret.txt'), join(album, 'secret-link'))
  await symlink(join(dir, 'outside', 'folder'), join(album, 'folder-link'))
  await symlink('..', join(album, 'real-folder', 'loop'))
  await symlink(join(album, 'missing'), join(album, 'broken'))
  execFileSync('mkfifo', [join(album, 'pipe')])
  socketServer = createServer()
  await new Promise<void>((resolve) => { socketServer?.listen(join(album, 'sock'), resolve) })
  return album
}

const reasons = (listing: SourceListing): Record<string, string> => Object.fromEntries(listing.skipped.map((s) => [s.path, s.reason]))

describe('the sender\'s walk of a folder (issue 13)', () => {
  it('follows no link inside a sent folder by default and lists every entry it leaves out with its reason', async () => {
    const listing = await collectSourceFiles([await hostileAlbum()], defaultLimits)
    expect(listing.files.map((f) => f.path).sort()).toEqual(['album/photo.jpg', 'album/real-folder/inner.txt'])
    expect(reasons(listing)).toEqual({
      'album/broken': 'symlink',
      'album/folder-link': 'symlink',
      'album/passwd': 'symlink',
      'album/pipe': 'fifo',
      'album/real-folder/loop': 'symlink',
      'album/secret-link': 'symlink',
      'album/sock': 'socket'
    })
    expect(listing.skipped.find((s) => s.path === 'album/passwd')?.detail).toBe('-> /etc/passwd')
    expect(listing.skippedCount).toBe(7)
  })

  it('with followLinks takes links to regular files and folders, but never a fifo, a socket, a loop or a broken link', async () => {
    const listing = await collectSourceFiles([await hostileAlbum()], defaultLimits, { followLinks: true })
    expect(listing.files.map((f) => f.path).sort()).toEqual([
      'album/folder-link/linked.txt', 'album/passwd', 'album/photo.jpg', 'album/real-folder/inner.txt', 'album/secret-link'
    ])
    expect(reasons(listing)).toEqual({ 'album/broken': 'unreadable', 'album/pipe': 'fifo', 'album/real-folder/loop': 'loop', 'album/sock': 'socket' })
    expect(listing.files.find((f) => f.path === 'album/secret-link')).toMatchObject({ size: 15, viaLink: true })
  })

  it('never follows a link to a fifo or a device, even with followLinks, and stops at a link that leads to itself', async () => {
    await mkdir(join(dir, 'box'))
    execFileSync('mkfifo', [join(dir, 'fifo')])
    await symlink(join(dir, 'fifo'), join(dir, 'box', 'to-fifo'))
    await symlink('/dev/zero', join(dir, 'box', 'to-device'))
    await symlink('self', join(dir, 'box', 'self'))
    const listing = await collectSourceFiles([join(dir, 'box')], defaultLimits, { followLinks: true })
    expect(listing.files).toEqual([])
    expect(reasons(listing)).toEqual({ 'box/self': 'loop', 'box/to-device': 'device', 'box/to-fifo': 'fifo' })
  })

  it('follows a symlink named as the path to send, as cp -H does, for a file and for a folder', async () => {
    await writeFile(join(dir, 'target.txt'), 'named')
    await mkdir(join(dir, 'folder'))
    await writeFile(join(dir, 'folder', 'a.txt'), 'a')
    await symlink(join(dir, 'target.txt'), join(dir, 'named-link'))
    await symlink(join(dir, 'folder'), join(dir, 'folder-link'))
    const listing = await collectSourceFiles([join(dir, 'named-link'), join(dir, 'folder-link')], defaultLimits)
    expect(listing.files.map((f) => [f.path, f.size])).toEqual([['named-link', 5], ['folder-link/a.txt', 1]])
    expect(listing.skipped).toEqual([])
  })

  it('leaves out, with its reason, a name the receiver would refuse, such as a partial file\'s .ferry- prefix', async () => {
    await mkdir(join(dir, 'inbox'))
    await writeFile(join(dir, 'inbox', 'ok.txt'), 'ok')
    await writeFile(join(dir, 'inbox', '.ferry-0123456789abcdef01234567.part'), 'half a file')
    const listing = await collectSourceFiles([join(dir, 'inbox')], defaultLimits)
    expect(listing.files.map((f) => f.path)).toEqual(['inbox/ok.txt'])
    expect(reasons(listing)).toEqual({ 'inbox/.ferry-0123456789abcdef01234567.part': 'invalid-name' })
  })
})

describe('a folder swapped while the walk reaches it (issue 13, red team of issue 17)', () => {
  // The walk looks at a folder's entries (lstat) and reads a sub-folder later: a folder swapped for a link in
  // between had its target's files listed, and the file checks passed, since they were listed as the target's.
  async function albumWithFolder (): Promise<{ album: string, sub: string }> {
    const album = join(dir, 'album')
    await mkdir(join(album, 'b'), { recursive: true })
    await writeFile(join(album, 'b', 'real.txt'), 'real')
    await mkdir(join(dir, 'secret'))
    await writeFile(join(dir, 'secret', 'passwords.txt'), 'not for sending')
    return { album, sub: join(album, 'b') }
  }

  it('refuses to read a folder that became a link after it was looked at, and lists nothing of its target', async () => {
    const { sub } = await albumWithFolder()
    const seen = await lstat(sub)
    await rename(sub, join(dir, 'b-moved'))
    await symlink(join(dir, 'secret'), sub)
    await expect(readFolder(sub, seen, false)).rejects.toMatchObject({ now: 'link' })
  })

  it('refuses to read a folder replaced by another folder after it was looked at', async () => {
    const { sub } = await albumWithFolder()
    const seen = await lstat(sub)
    await rename(sub, join(dir, 'b-moved'))
    await mkdir(sub)
    await writeFile(join(sub, 'planted.txt'), 'planted')
    await expect(readFolder(sub, seen, false)).rejects.toMatchObject({ now: 'other' })
  })

  it('reads the folder it looked at, and a folder the user named through a link', async () => {
    const { album, sub } = await albumWithFolder()
    expect(await readFolder(sub, await lstat(sub), false)).toEqual(['real.txt'])
    await symlink(sub, join(dir, 'named'))
    expect(await readFolder(join(dir, 'named'), await stat(join(dir, 'named')), true)).toEqual(['real.txt'])
    expect((await collectSourceFiles([album], defaultLimits)).files.map((f) => f.path)).toEqual(['album/b/real.txt'])
  })
})

describe('reading what was listed (issue 13)', () => {
  it('fails a listed file that was deleted or made unreadable with a message naming it by its offered path, never by a path of this machine', async () => {
    await mkdir(join(dir, 'album'))
    await writeFile(join(dir, 'album', 'gone.txt'), 'listed')
    await writeFile(join(dir, 'album', 'locked.txt'), 'listed')
    const files = (await collectSourceFiles([join(dir, 'album')], defaultLimits)).files
    await unlink(join(dir, 'album', 'gone.txt'))
    await rm(join(dir, 'album', 'locked.txt'))
    await mkdir(join(dir, 'album', 'locked.txt'))
    for (const file of files) {
      const failures = [
        (() => { try { readSourceBlocking(file, Buffer.alloc(16), 0) } catch (err) { return err } })(),
        await openSource(file).then(() => undefined, (err: unknown) => err)
      ]
      for (const err of failures) {
        expect(err).toMatchObject({ code: 'FERRY_ERR_SOURCE_CHANGED', message: expect.stringContaining(file.path) })
        expect((err as Error).message).not.toContain(dir)
      }
    }
  })

  it('refuses a small file swapped for a symlink after it was listed (FERRY_ERR_SOURCE_CHANGED), reading nothing through the link', async () => {
    await writeFile(join(dir, 'a.txt'), 'listed')
    await writeFile(join(dir, 'other.txt'), 'SECRET')
    const [file] = (await collectSourceFiles([join(dir, 'a.txt')], defaultLimits)).files
    if (file === undefined) throw new Error('nothing listed')
    await unlink(join(dir, 'a.txt'))
    await symlink(join(dir, 'other.txt'), join(dir, 'a.txt'))
    const into = Buffer.alloc(16)
    expect(() => { readSourceBlocking({ ...file, size: 6 }, into, 0) }).toThrow(expect.objectContaining({ code: 'FERRY_ERR_SOURCE_CHANGED' }))
    await expect(openSource(file)).rejects.toMatchObject({ code: 'FERRY_ERR_SOURCE_CHANGED', message: expect.stringContaining('symbolic link') })
    expect(into.subarray(0, 6).toString()).not.toBe('SECRET')
  })

  it('refuses a file replaced by another file of the same size and mtime (its inode differs)', async () => {
    await writeFile(join(dir, 'a.txt'), 'listed')
    await writeFile(join(dir, 'b.txt'), 'impost')
    await utimes(join(dir, 'a.txt'), 1_000, 1_000)
    await utimes(join(dir, 'b.txt'), 1_000, 1_000)
    const [file] = (await collectSourceFiles([join(dir, 'a.txt')], defaultLimits)).files
    if (file === undefined) throw new Error('nothing listed')
    await rename(join(dir, 'b.txt'), join(dir, 'a.txt'))
    expect(() => { readSourceBlocking(file, Buffer.alloc(16), 0) }).toThrow(expect.objectContaining({ code: 'FERRY_ERR_SOURCE_CHANGED' }))
    await expect(openSource(file)).rejects.toMatchObject({ code: 'FERRY_ERR_SOURCE_CHANGED' })
  })

  it('refuses a file rewritten in place with its mtime put back (touch -r), small or read in pieces: its change time moved', async () => {
    await writeFile(join(dir, 'a.txt'), 'listed')
    await utimes(join(dir, 'a.txt'), 1_000, 1_000)
    const [file] = (await collectSourceFiles([join(dir, 'a.txt')], defaultLimits)).files
    if (file === undefined) throw new Error('nothing listed')
    await new Promise((resolve) => setTimeout(resolve, 5))
    await writeFile(join(dir, 'a.txt'), 'LISTED')
    await utimes(join(dir, 'a.txt'), 1_000, 1_000)
    expect(() => { readSourceBlocking(file, Buffer.alloc(16), 0) }).toThrow(expect.objectContaining({ code: 'FERRY_ERR_SOURCE_CHANGED' }))
    // A large file is checked the same way after its last piece (send-file.ts).
    const handle = await openSource(file)
    try {
      expect(() => { checkUnchangedStats(file, fstatSync(handle.fd)) }).toThrow(expect.objectContaining({ code: 'FERRY_ERR_SOURCE_CHANGED' }))
    } finally {
      await handle.close()
    }
  })

  it('refuses at once, without blocking, a file swapped for a fifo', async () => {
    await writeFile(join(dir, 'a.txt'), 'listed')
    const [file] = (await collectSourceFiles([join(dir, 'a.txt')], defaultLimits)).files
    if (file === undefined) throw new Error('nothing listed')
    await unlink(join(dir, 'a.txt'))
    execFileSync('mkfifo', [join(dir, 'a.txt')])
    expect(() => { readSourceBlocking(file, Buffer.alloc(16), 0) }).toThrow(expect.objectContaining({ code: 'FERRY_ERR_SOURCE_CHANGED' }))
    await expect(openSource(file)).rejects.toMatchObject({ code: 'FERRY_ERR_SOURCE_CHANGED' })
  })

  it('offers a pre-1970 or fractional mtime as whole ms from 0, and still reads the file as unchanged', async () => {
    await writeFile(join(dir, 'old.txt'), 'from before 1970')
    // Node's utimes takes a negative number for "now"; touch sets the date as given.
    execFileSync('touch', ['-d', '1969-12-31 00:00:00.25 UTC', join(dir, 'old.txt')])
    const [file] = (await collectSourceFiles([join(dir, 'old.txt')], defaultLimits)).files
    expect(file?.mtimeMs).toBe(0)
    if (file === undefined) throw new Error('nothing listed')
    const into = Buffer.alloc(file.size)
    readSourceBlocking(file, into, 0)
    expect(into.toString()).toBe(await readFile(join(dir, 'old.txt'), 'utf8'))
    await (await openSource(file)).close()
    expect([offeredMtime(-5), offeredMtime(1.5), offeredMtime(9e15)]).toEqual([0, 1, 8.64e15])
  })
})

describe('a send whose file is swapped for a link between listing and reading (issue 13)', () => {
  it.each([['a small file (read with blocking calls)', 100], ['a large file (its own stream)', 2 * 1024 * 1024]])(
    'fails %s with FERRY_ERR_SOURCE_CHANGED and delivers nothing of the link\'s target', async (_what, size) => {
      const fx = await createFixture()
      try {
        const secret = Buffer.alloc(size, 'S')
        await writeFile(join(dir, 'secret.bin'), secret)
        await mkdir(join(dir, 'album'))
        await writeFile(join(dir, 'album', 'photo.bin'), Buffer.alloc(size, 'p'))
        // Same size and mtime: only the link and the inode give the swap away.
        await utimes(join(dir, 'secret.bin'), 1_000, 1_000)
        await utimes(join(dir, 'album', 'photo.bin'), 1_000, 1_000)
        const receiver = await fx.node()
        const dest = join(dir, 'dest')
        receiver.on('offer', (offer) => { offer.respond({ accept: true, dir: dest }).catch(() => {}) })
        const sender = await fx.node()
        const sending = sender.send({
          address: { host: '127.0.0.1', port: receiver.address.port },
          paths: [join(dir, 'album')],
          reconnect: false,
          // Listed, not yet read: the attacker's moment.
          onListed: () => {
            execFileSync('rm', [join(dir, 'album', 'photo.bin')])
            execFileSync('ln', ['-s', join(dir, 'secret.bin'), join(dir, 'album', 'photo.bin')])
          }
        })
        await expect(sending).rejects.toMatchObject({ code: 'FERRY_ERR_SOURCE_CHANGED' })
        const landed = await readFile(join(dest, 'album', 'photo.bin')).catch(() => undefined)
        expect(landed).toBeUndefined()
      } finally {
        await fx.cleanup()
      }
    })
})
