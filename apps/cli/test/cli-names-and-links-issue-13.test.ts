// Issue 13 through the real `ferry` command on 127.0.0.1: what `ferry send` does with links and special files in a
// folder, how `ferry receive` prints a hostile peer's alias and text, and that `ferry receive --yes` never takes a
// device whose alias merely looks like a trusted one's.

import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FerryNode, generateIdentity, type PeerAddress } from '@ferry/p2p-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runFerry, type CliRun } from './helpers/cli-process.ts'
import { treeDigest } from './helpers/tree-digest.ts'

let dir: string
const children: CliRun[] = []
const nodes: FerryNode[] = []
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ferry-cli-13-')) })
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL')
  await Promise.all(nodes.splice(0).map(async (n) => { await n.close() }))
  await rm(dir, { recursive: true, force: true })
})

function ferry (args: string[], who: 'receiver' | 'sender'): CliRun {
  const run = runFerry(args, { FERRY_CONFIG_DIR: join(dir, `config-${who}`) })
  children.push(run)
  return run
}

async function receiver (extra: string[]): Promise<{ run: CliRun, address: string, out: string }> {
  const out = join(dir, 'received')
  const run = ferry(['receive', '--dir', out, '--host', '127.0.0.1', '--port', '0', '--json', ...extra], 'receiver')
  return { run, address: (await run.waitFor('listening')).address as string, out }
}

/** A device this test process runs, calling itself `alias` (any string: the hello frame carries it as it is). */
async function device (alias: string): Promise<FerryNode> {
  const node = await FerryNode.create({ identity: await generateIdentity(), alias, listen: { host: '127.0.0.1', port: 0 } })
  nodes.push(node)
  return node
}

const addressOf = (hostPortId: string): PeerAddress => {
  const [host, port] = (hostPortId.split('/')[0] as string).split(':')
  return { host: host as string, port: Number(port) }
}

/** album/ with one photo and everything a sender must not take blindly. */
async function album (): Promise<string> {
  const root = join(dir, 'album')
  await mkdir(join(root, 'real-folder'), { recursive: true })
  await writeFile(join(root, 'photo.jpg'), 'pixels')
  await writeFile(join(root, 'real-folder', 'inner.txt'), 'inner')
  await mkdir(join(dir, 'outside', 'folder'), { recursive: true })
  await writeFile(join(dir, 'outside', 'secret.txt'), 'not for sending')
  await writeFile(join(dir, 'outside', 'folder', 'linked.txt'), 'through a folder link')
  await symlink('/etc/passwd', join(root, 'passwd'))
  await symlink(join(dir, 'outside', 'secret.txt'), join(root, 'secret-link'))
  await symlink(join(dir, 'outside', 'folder'), join(root, 'folder-link'))
  await symlink('..', join(root, 'real-folder', 'loop'))
  execFileSync('mkfifo', [join(root, 'pipe')])
  return root
}

// What a terminal acts on or hides: C0 (but newline), DEL, C1, bidi controls.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

describe('ferry send and links inside a folder (issue 13)', () => {
  it('sends none of a folder\'s links, loops or fifos by default, and lists each with its reason, for people and in --json', async () => {
    const src = await album()
    const r = await receiver(['--yes', '--once'])
    const sent = await ferry(['send', src, '--to', r.address], 'sender').exited
    expect(sent.code, sent.stderr).toBe(0)
    expect(sent.stdout).toContain('Not sending 5 entries (links inside folders are not followed; --follow-links follows those to files and folders):')
    for (const line of [
      'album/folder-link: symbolic link, not followed (-> ',
      'album/passwd: symbolic link, not followed (-> /etc/passwd)',
      'album/pipe: fifo (named pipe)',
      'album/real-folder/loop: symbolic link, not followed (-> ..)',
      'album/secret-link: symbolic link, not followed (-> '
    ]) expect(sent.stdout).toContain(`  ${line}`)
    await r.run.exited
    expect(Object.keys(await treeDigest(r.out)).sort()).toEqual(['album/photo.jpg', 'album/real-folder/inner.txt'])

    const again = await receiver(['--yes', '--once'])
    const json = ferry(['send', src, '--to', again.address, '--json'], 'sender')
    expect((await json.exited).code).toBe(0)
    expect(json.events.find((e) => e.type === 'skipped')).toEqual({
      type: 'skipped',
      count: 5,
      entries: [
        { path: 'album/folder-link', localPath: join(src, 'folder-link'), reason: 'symlink', detail: `-> ${join(dir, 'outside', 'folder')}` },
        { path: 'album/passwd', localPath: join(src, 'passwd'), reason: 'symlink', detail: '-> /etc/passwd' },
        { path: 'album/pipe', localPath: join(src, 'pipe'), reason: 'fifo' },
        { path: 'album/real-folder/loop', localPath: join(src, 'real-folder', 'loop'), reason: 'symlink', detail: '-> ..' },
        { path: 'album/secret-link', localPath: join(src, 'secret-link'), reason: 'symlink', detail: `-> ${join(dir, 'outside', 'secret.txt')}` }
      ]
    })
    expect(json.events.find((e) => e.type === 'done')).toMatchObject({ files: 2 })
  })

  it('with --follow-links sends what file and folder links point to, but never the fifo nor the loop', async () => {
    const src = await album()
    const r = await receiver(['--yes', '--once'])
    const sent = ferry(['send', src, '--to', r.address, '--follow-links', '--json'], 'sender')
    expect((await sent.exited).code).toBe(0)
    await r.run.exited
    expect(Object.keys(await treeDigest(r.out)).sort()).toEqual([
      'album/folder-link/linked.txt', 'album/passwd', 'album/photo.jpg', 'album/real-folder/inner.txt', 'album/secret-link'
    ])
    expect(await readFile(join(r.out, 'album', 'passwd'), 'utf8')).toBe(await readFile('/etc/passwd', 'utf8'))
    expect(sent.events.find((e) => e.type === 'skipped')).toMatchObject({
      count: 2, entries: [{ path: 'album/pipe', reason: 'fifo' }, { path: 'album/real-folder/loop', reason: 'loop' }]
    })
  })

  it('follows a symlink named on the command line, to a file or a folder, as cp -H does', async () => {
    await mkdir(join(dir, 'folder'))
    await writeFile(join(dir, 'folder', 'a.txt'), 'a')
    await writeFile(join(dir, 'target.txt'), 'named')
    await symlink(join(dir, 'target.txt'), join(dir, 'file-link'))
    await symlink(join(dir, 'folder'), join(dir, 'folder-link'))
    const r = await receiver(['--yes', '--once'])
    const sent = ferry(['send', join(dir, 'file-link'), join(dir, 'folder-link'), '--to', r.address, '--json'], 'sender')
    expect((await sent.exited).code).toBe(0)
    await r.run.exited
    expect(await readFile(join(r.out, 'file-link'), 'utf8')).toBe('named')
    expect(await readFile(join(r.out, 'folder-link', 'a.txt'), 'utf8')).toBe('a')
    expect(sent.events.some((e) => e.type === 'skipped')).toBe(false)
  })
})

describe('ferry receive and what a peer calls itself (issue 13)', () => {
  it('prints an alias and a text that carry escape codes escaped, so the trust line cannot be hidden or the screen cleared', async () => {
    const out = join(dir, 'received')
    const run = ferry(['receive', '--dir', out, '--host', '127.0.0.1', '--port', '0', '--yes', '--once'], 'receiver')
    let stdout = ''
    run.child.stdout?.on('data', (d: Buffer) => { stdout += d.toString() })
    await expect.poll(() => /--to (127\.0\.0\.1:\d+)\//.exec(stdout)?.[1], { timeout: 20_000 }).toBeDefined()
    const address = addressOf(/--to (127\.0\.0\.1:\d+)\//.exec(stdout)?.[1] as string)

    const hostile = await device('\u001b[2J\u001b]0;x\u0007evil\r')
    await hostile.send({ address, paths: [], text: 'hello \u001b[31mred\r\nsecond line \u009b2J' })
    const ended = await run.exited
    expect(ended.code).toBe(0)
    expect(RAW_CONTROL.test(ended.stdout + ended.stderr)).toBe(false)
    expect(ended.stdout).toContain(`"\\u001b[2J\\u001b]0;x\\u0007evil\\u000d" [${hostile.shortCode}], first contact, not trusted offers 0 file(s)`)
    expect(ended.stdout).toContain('Message:\nhello \\u001b[31mred\\u000d\nsecond line \\u009b2J\n')
  })

  it('declines, even with --yes, every device whose alias looks like a trusted device\'s, and says why', async () => {
    const trusted = await generateIdentity()
    expect((await ferry(['trust', trusted.peerId, '--auto-accept', '--dir', join(dir, 'trusted-in')], 'receiver').exited).code).toBe(0)
    const file = join(dir, 'config-receiver', 'devices.json')
    const store = JSON.parse(await readFile(file, 'utf8')) as { devices: Array<Record<string, unknown>> }
    store.devices[0] = { ...store.devices[0], alias: 'nas' }
    await writeFile(file, JSON.stringify(store))

    const r = await receiver(['--yes'])
    const lookAlikes = ['nas\u200B', 'n\u0430s', '\uFF4E\uFF41\uFF53', '\u202Enas', 'na\u00ADs', 'NAS']
    for (const alias of lookAlikes) {
      const impostor = await device(alias)
      await expect(impostor.send({ address: addressOf(r.address), paths: [], text: 'it is me, really' })).rejects.toMatchObject({ code: 'FERRY_ERR_PEER_DECLINED' })
    }
    // The receiver's lines come through a pipe: the last offer line may be read just after the sender has its answer.
    await expect.poll(() => r.run.events.filter((e) => e.type === 'offer').map((o) => (o.from as { alias: string }).alias)).toEqual(lookAlikes)
    const offers = r.run.events.filter((e) => e.type === 'offer')
    // Each impostor is remembered as met, so later ones look like those too; the trusted `nas` is in every list.
    for (const offer of offers) {
      expect(offer).toMatchObject({ trust: 'new', identityChanged: { known: expect.arrayContaining([{ peerId: trusted.peerId, shortCode: expect.any(String), trusted: true, alias: 'nas' }]) } })
    }
    // The receiver prints its "declined" line once its answer is out, so it may come just after the sender knows.
    await expect.poll(() => r.run.events.filter((e) => e.type === 'declined').map((e) => e.reason)).toEqual(lookAlikes.map(() => 'identity-changed'))
    expect(r.run.events.some((e) => e.type === 'received')).toBe(false)
  })
})
