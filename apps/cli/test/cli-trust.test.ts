// Issue 3 through the real `ferry` command on 127.0.0.1 (mDNS is off in these tests: FERRY_NO_MDNS, see
// helpers/cli-process.ts; the namespace tests in packages/p2p-core cover mDNS): pairing with a PIN, trusted
// devices auto-accepted into their folder, an alias that comes back under another id flagged and refused,
// `ferry peers`, and `ferry send --to` by name or code.

import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateIdentity, loadOrCreateIdentity } from '@ferry/p2p-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runFerry, type CliRun } from './helpers/cli-process.ts'

let dir: string
const children: CliRun[] = []
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ferry-cli-trust-')) })
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

function ferry (args: string[], who: 'receiver' | 'sender'): CliRun {
  const run = runFerry(args, { FERRY_CONFIG_DIR: join(dir, `config-${who}`) })
  children.push(run)
  return run
}

async function receiver (extra: string[]): Promise<{ run: CliRun, address: string, peerId: string, shortCode: string }> {
  const run = ferry(['receive', '--dir', join(dir, 'default-in'), '--host', '127.0.0.1', '--port', '0', '--json', ...extra], 'receiver')
  const listening = await run.waitFor('listening')
  return { run, address: listening.address as string, peerId: listening.peerId as string, shortCode: listening.shortCode as string }
}

async function devices (who: 'receiver' | 'sender'): Promise<Array<Record<string, unknown>>> {
  return (JSON.parse(await readFile(join(dir, `config-${who}`, 'devices.json'), 'utf8')) as { devices: Array<Record<string, unknown>> }).devices
}

describe('trust through the ferry command', () => {
  it('pairs with the PIN `ferry receive --pair` shows, after refusing a wrong one; both sides then trust each other', async () => {
    const r = await receiver(['--pair', '--alias', 'desk'])
    const { pin } = await r.run.waitFor('pairing') as { pin: string }
    expect(pin).toMatch(/^[0-9]{6}$/)
    const wrong = await ferry(['pair', '--to', r.address, '--pin', pin === '000000' ? '111111' : '000000'], 'sender').exited
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain('FERRY_ERR_PAIRING_FAILED')
    expect(await r.run.waitFor('pairing-failed')).toMatchObject({ code: 'FERRY_ERR_PAIRING_FAILED' })

    const right = ferry(['pair', '--to', r.address, '--pin', pin, '--json'], 'sender')
    expect((await right.exited).code).toBe(0)
    expect(right.events.find((e) => e.type === 'paired')).toMatchObject({ peer: { peerId: r.peerId, alias: 'desk' } })
    const sender = await loadOrCreateIdentity(join(dir, 'config-sender'))
    expect(await r.run.waitFor('paired')).toMatchObject({ peer: { peerId: sender.peerId } })
    expect(await devices('sender')).toEqual([expect.objectContaining({ peerId: r.peerId, alias: 'desk', trusted: true, addresses: [r.address.split('/')[0]] })])
    await expect.poll(async () => await devices('receiver').catch(() => [])).toEqual([expect.objectContaining({ peerId: sender.peerId, trusted: true })])
  })

  it('saves offers from a device trusted with --auto-accept into its folder without asking, and asks again after untrust', async () => {
    const sender = await loadOrCreateIdentity(join(dir, 'config-sender'))
    const trusted = await ferry(['trust', sender.peerId, '--auto-accept', '--dir', join(dir, 'from-laptop')], 'receiver').exited
    expect(trusted.code, trusted.stderr).toBe(0)
    await writeFile(join(dir, 'photo.jpg'), 'pixels')
    const r = await receiver(['--once'])
    const sent = await ferry(['send', join(dir, 'photo.jpg'), '--to', r.address], 'sender').exited
    expect(sent.code, sent.stderr).toBe(0)
    expect(await r.run.waitFor('offer')).toMatchObject({ trust: 'trusted' })
    expect(await r.run.waitFor('received')).toMatchObject({ dir: join(dir, 'from-laptop'), files: 1 })
    expect(await readFile(join(dir, 'from-laptop', 'photo.jpg'), 'utf8')).toBe('pixels')

    expect((await ferry(['untrust', sender.peerId], 'receiver').exited).code).toBe(0)
    const again = await receiver(['--once'])
    const asked = ferry(['send', join(dir, 'photo.jpg'), '--to', again.address], 'sender')
    expect(await again.run.waitFor('offer')).toMatchObject({ trust: 'known' })
    again.run.child.stdin?.end('n\n')
    expect((await asked.exited).code).toBe(1)
  })

  it('flags a device that uses a known alias under another id, and declines it even with --yes', async () => {
    // The receiver knows (and trusts, with auto-accept) a device called like this machine, under another id.
    const other = await generateIdentity()
    await ferry(['trust', other.peerId, '--auto-accept', '--dir', join(dir, 'trusted-in')], 'receiver').exited
    const store = JSON.parse(await readFile(join(dir, 'config-receiver', 'devices.json'), 'utf8')) as { devices: Array<Record<string, unknown>> }
    store.devices[0] = { ...store.devices[0], alias: hostname() }
    await writeFile(join(dir, 'config-receiver', 'devices.json'), JSON.stringify(store))

    const r = await receiver(['--yes', '--once'])
    const sent = await ferry(['send', '--text', 'it is me, really', '--to', r.address], 'sender').exited
    expect(sent.code).toBe(1)
    expect(sent.stderr).toContain('FERRY_ERR_PEER_DECLINED')
    const offer = await r.run.waitFor('offer')
    expect(offer).toMatchObject({ trust: 'new', identityChanged: { alias: hostname(), known: [{ peerId: other.peerId, trusted: true }] } })
    expect(await r.run.waitFor('declined')).toMatchObject({ reason: 'identity-changed' })
    expect(await readdir(join(dir, 'trusted-in')).catch(() => [])).toEqual([])
  })

  it('keeps a known device unflagged after a newcomer took its alias: the newcomer is declined, the device it copied still taken', async () => {
    const r = await receiver(['--yes'])
    const file = join(dir, 'photo.jpg')
    await writeFile(file, 'pixels')
    const first = await ferry(['send', file, '--to', r.address, '--alias', 'laptop'], 'sender').exited
    expect(first.code, first.stderr).toBe(0)
    // Another machine calls itself "laptop" too: it is flagged and declined.
    const impostor = runFerry(['send', '--text', 'it is me', '--to', r.address, '--alias', 'laptop'], { FERRY_CONFIG_DIR: join(dir, 'config-impostor') })
    children.push(impostor)
    expect((await impostor.exited).stderr).toContain('FERRY_ERR_PEER_DECLINED')
    // Before: the real laptop was now flagged too (the newcomer was remembered under its alias) and declined.
    const again = await ferry(['send', '--text', 'still me', '--to', r.address, '--alias', 'laptop'], 'sender').exited
    expect(again.code, again.stderr).toBe(0)
  })

  it('lists with `ferry peers` a device added by address (alias, code, address, trust) and then, once trusted, finds it again by probing', async () => {
    const r = await receiver(['--alias', 'nas'])
    const hostPort = r.address.split('/')[0] as string
    const listed = ferry(['peers', '--json', '--add', hostPort, '--wait', '300'], 'sender')
    expect((await listed.exited).code).toBe(0)
    expect(listed.events.find((e) => e.type === 'peers')).toMatchObject({
      peers: [{ peerId: r.peerId, shortCode: r.shortCode, alias: 'nas', addresses: [hostPort], sources: ['manual'], trust: 'new' }]
    })

    expect((await ferry(['trust', r.address], 'sender').exited).code).toBe(0)
    const again = ferry(['peers', '--json', '--wait', '1000'], 'sender')
    await again.exited
    expect(again.events.find((e) => e.type === 'peers')).toMatchObject({ peers: [{ peerId: r.peerId, sources: ['known'], trust: 'trusted' }], offline: [] })
  })

  it('flags in `ferry peers` a device using the alias of a remembered device under another id, and will not send to it by that alias', async () => {
    const r = await receiver(['--alias', 'nas'])
    const hostPort = r.address.split('/')[0] as string
    const known = await generateIdentity()
    const now = new Date().toISOString()
    await mkdir(join(dir, 'config-sender'), { recursive: true })
    await writeFile(join(dir, 'config-sender', 'devices.json'), JSON.stringify({
      version: 1,
      devices: [
        { peerId: known.peerId, alias: 'nas', trusted: true, addresses: [], firstSeen: now, lastSeen: now },
        // The newcomer was met once by address (so it is probed), before it called itself "nas".
        { peerId: r.peerId, trusted: false, addresses: [hostPort], firstSeen: now, lastSeen: now }
      ]
    }))
    const listed = ferry(['peers', '--json', '--wait', '1000'], 'sender')
    await listed.exited
    expect(listed.events.find((e) => e.type === 'peers')).toMatchObject({
      peers: [{ peerId: r.peerId, alias: 'nas', trust: 'known', identityChanged: { alias: 'nas', known: [{ peerId: known.peerId, trusted: true }] } }]
    })
    const byAlias = await ferry(['send', '--text', 'x', '--to', 'nas'], 'sender').exited
    expect(byAlias.code).toBe(1)
    expect(byAlias.stderr).toContain('FERRY_ERR_IDENTITY_MISMATCH')
    expect(byAlias.stderr).toContain(r.shortCode)
    expect(r.run.events.some((e) => e.type === 'offer')).toBe(false)
  })

  it('will not send by alias to a newcomer remembered under that alias (it offered here once), while the device known before it is away', async () => {
    const r = await receiver(['--alias', 'nas', '--yes'])
    const hostPort = r.address.split('/')[0] as string
    const known = await generateIdentity()
    await mkdir(join(dir, 'config-sender'), { recursive: true })
    await writeFile(join(dir, 'config-sender', 'devices.json'), JSON.stringify({
      version: 1,
      devices: [
        { peerId: known.peerId, alias: 'nas', trusted: false, addresses: [], firstSeen: '2026-01-01T00:00:00.000Z', lastSeen: '2026-01-01T00:00:00.000Z' },
        // The newcomer made an offer here after it, under the same alias, and was remembered so.
        { peerId: r.peerId, alias: 'nas', trusted: false, addresses: [hostPort], firstSeen: '2026-03-01T00:00:00.000Z', lastSeen: '2026-03-01T00:00:00.000Z' }
      ]
    }))
    // Before: both counted as "known under this alias", and the send went to the newcomer.
    const byAlias = await ferry(['send', '--text', 'x', '--to', 'nas'], 'sender').exited
    expect(byAlias.code).toBe(1)
    expect(byAlias.stderr).toContain('FERRY_ERR_IDENTITY_MISMATCH')
    expect(r.run.events.some((e) => e.type === 'offer')).toBe(false)
  })

  it('watches with `ferry peers --watch`, printing each device as it appears, and stops cleanly', async () => {
    const r = await receiver(['--alias', 'nas'])
    const watch = ferry(['peers', '--watch', '--json', '--add', r.address], 'sender')
    expect(await watch.waitFor('appeared')).toMatchObject({ peer: { peerId: r.peerId, alias: 'nas' } })
    watch.child.kill('SIGTERM')
    expect((await watch.exited).code).toBe(0)
  })

  it('sends to a remembered device by its alias or its short code, and says clearly when no device has that name', async () => {
    const r = await receiver(['--alias', 'nas', '--yes'])
    expect((await ferry(['trust', r.address], 'sender').exited).code).toBe(0)
    const byAlias = await ferry(['send', '--text', 'by name', '--to', 'NAS'], 'sender').exited
    expect(byAlias.code, byAlias.stderr).toBe(0)
    const byCode = await ferry(['send', '--text', 'by code', '--to', r.shortCode.toLowerCase()], 'sender').exited
    expect(byCode.code, byCode.stderr).toBe(0)
    const texts = r.run.events.filter((e) => e.type === 'offer').map((e) => e.text)
    expect(texts).toEqual(['by name', 'by code'])
    const nobody = await ferry(['send', '--text', 'x', '--to', 'nobody-here', '--discover-timeout', '300'], 'sender').exited
    expect(nobody.code).toBe(1)
    expect(nobody.stderr).toContain('FERRY_ERR_PEER_NOT_FOUND')
  })
})
