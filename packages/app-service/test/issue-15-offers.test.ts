// Issue 15: an offer whose paths create or enter hidden folders (`.ssh/authorized_keys`, `.config/autostart`) is
// flagged in the offer the UI shows and never accepted without asking, not even from a trusted device that is
// otherwise auto-accepted (FerryService and the CLI share one offer policy, trust-policy.ts).

import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { OfferEvent, TransferEvent } from '@ferry/api'
import { nextEvent } from '@ferry/api/compliance'
import { offerFrom, startService, type TestService } from './helpers.ts'

const open: TestService[] = []
afterEach(async () => { await Promise.all(open.splice(0).map(async (s) => { await s.close() })) })
const start = async (): Promise<TestService> => {
  const s = await startService()
  open.push(s)
  return s
}

describe('offers with hidden paths (issue 15)', () => {
  it('are shown flagged and asked about, even from a trusted device whose offers are auto-accepted', async () => {
    const a = await start()
    const b = await start()
    await b.service.updateSettings({ autoAcceptTrusted: true })
    // B meets A through a declined offer, then trusts it: A's plain offers now go straight in.
    const first = nextEvent<OfferEvent>((l) => b.service.onOffer(l), (e) => e.type === 'added')
    await offerFrom(a.service, b.service, a.dir)
    const declined = await first
    if (declined.type !== 'added') throw new Error('unreachable')
    expect(declined.offer.hiddenPaths).toBeUndefined()
    await b.service.respondToOffer(declined.offer.id, { accept: false })
    await b.service.setTrust((await a.service.getState()).device.peerId, 'trusted')

    const home = join(a.dir, 'home')
    await mkdir(join(home, '.ssh'), { recursive: true })
    await writeFile(join(home, '.ssh', 'authorized_keys'), 'ssh-ed25519 AAAA attacker')
    await writeFile(join(home, 'notes.txt'), 'notes')
    const flagged = nextEvent<OfferEvent>((l) => b.service.onOffer(l), (e) => e.type === 'added')
    await a.service.sendFiles((await b.service.getState()).device.peerId, [home])
    const offer = await flagged
    if (offer.type !== 'added') throw new Error('unreachable')
    expect(offer.offer.hiddenPaths).toBe(1)
    expect(offer.offer.files).toEqual(expect.arrayContaining([
      { id: expect.any(Number), path: 'home/.ssh/authorized_keys', size: 25, hidden: true },
      { id: expect.any(Number), path: 'home/notes.txt', size: 5 }
    ]))
    expect(await readdir(b.downloads).catch(() => [])).not.toContain('home')

    // The same device's plain offer is still accepted without asking.
    const done = nextEvent<TransferEvent>((l) => b.service.onTransfer(l), (e) => e.type === 'upsert' && e.transfer.status === 'completed')
    await offerFrom(a.service, b.service, a.dir)
    await done
    expect(await readdir(b.downloads)).toContain('offered.txt')
  })
})
