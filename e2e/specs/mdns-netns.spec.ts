// Two Ferries in two network namespaces joined by a veth pair, with mDNS on: Bob appears on Alice's Nearby screen
// by himself (found by the short code his own page shows), and receives a folder. Each page runs in a Chromium
// inside its Ferry's namespace, where that Ferry's page server listens.

import { basename, join } from 'node:path'
import { expect, test } from '../fixtures/test.ts'
import { writeTripFolder } from '../fixtures/sample-trees.ts'
import { treeDifferences } from '../fixtures/trees.ts'

/** mDNS announces within a couple of seconds; this leaves room for a loaded machine. */
const DISCOVERY_TIMEOUT_MS = 20_000

test('Bob appears on Alice\'s Nearby screen by himself over mDNS and receives her folder byte for byte', async ({ netns, ferry, workDir }) => {
  const folder = await writeTripFolder(join(workDir, 'source'), 200)
  const [alice, bob] = await Promise.all([
    ferry.start({ alias: 'Alice', netns: netns.a, mdns: true }),
    ferry.start({ alias: 'Bob', netns: netns.b, mdns: true })
  ])

  const { shortCode } = await bob.app.sections.thisDevice()
  expect(await alice.app.peers.waitForShortCode(shortCode, DISCOVERY_TIMEOUT_MS)).toBe('Bob')
  await alice.app.peers.sendFolder('Bob', folder)
  await bob.app.offers.expectFrom('Alice')
  await bob.app.offers.accept()

  await alice.app.transfers.expectDone('To Bob', { timeout: 120_000 })
  await bob.app.transfers.expectDone('From Alice', { timeout: 120_000 })
  expect(await treeDifferences(folder, join(bob.downloadDir, basename(folder)))).toEqual([])
})
