// A destination folder (and a folder outside it) for tests of the receive path, with one Destination per simulated
// transfer and IncomingFile.plan as the receiver calls it. Registers its own beforeEach/afterEach.

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import { Destination, IncomingFile, PartialClaims, PartialNames } from '../../src/index.ts'
import type { StalePartials } from '../../src/receive/stale-partials.ts'

export interface DestinationFixture {
  /** The download folder. */
  readonly dest: string
  /** A folder beside it that nothing may write into. */
  readonly outside: string
  /** The sender every planned file is from. */
  readonly from: string
  /** This device's partial names (a fixed key, so tests can predict them). */
  readonly names: PartialNames
  /** One transfer's view of the destination, as the receiver opens one per transfer (closed after each test). */
  transfer: () => Destination
  plan: (destination: Destination, path: string, size: number, resume?: { mtimeMs: number }, claims?: PartialClaims, stale?: StalePartials) => IncomingFile
}

export function useDestinationFixture (): DestinationFixture {
  let dir = ''
  const opened: Destination[] = []
  const names = new PartialNames(Buffer.alloc(32, 9))
  const from = '12D3KooWSender'
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-destination-'))
    await mkdir(join(dir, 'dest'))
    await mkdir(join(dir, 'outside'))
  })
  afterEach(async () => {
    for (const destination of opened.splice(0)) destination.close()
    await rm(dir, { recursive: true, force: true })
  })
  return {
    get dest () { return join(dir, 'dest') },
    get outside () { return join(dir, 'outside') },
    from,
    names,
    transfer () {
      const destination = Destination.open(join(dir, 'dest'))
      opened.push(destination)
      return destination
    },
    plan (destination, path, size, resume, claims = new PartialClaims(), stale) {
      return IncomingFile.plan({
        destination, names, claims, path, size, ...(resume === undefined ? {} : { resume: { from, mtimeMs: resume.mtimeMs } }), ...(stale === undefined ? {} : { stale })
      })
    }
  }
}
