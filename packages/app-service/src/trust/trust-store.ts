// The devices this one has met, in `devices.json` in the config folder: who they are (id, short code, last alias),
// where they were last reached, and what the user decided about them (trusted, auto-accept folder). Pure
// persistence: trust-policy.ts makes the decisions. Every change re-reads the file, applies itself and writes
// atomically (atomic-file.ts), so a crash never leaves a torn file and two `ferry` processes rarely lose each
// other's changes. The list is bounded: past `maxDevices` the untrusted device seen longest ago is forgotten.

import { mkdir, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { shortCodeFor } from '@ferry/p2p-core'
import { sweepStaleTemps, writeFileAtomic } from './atomic-file.ts'

export const DEVICES_FILE = 'devices.json'
/** Default cap on remembered devices. */
export const MAX_DEVICES = 500
/** Addresses remembered per device, newest first. */
const MAX_ADDRESSES = 4

export interface DeviceRecord {
  peerId: string
  shortCode: string
  /** The alias it last told us. */
  alias?: string
  /** The user said this device is theirs (`ferry trust`, the receive prompt, or pairing). */
  trusted: boolean
  /** Offers from this device go into this folder without asking (used only while trusted). */
  autoAcceptDir?: string
  /** Where it was last reached (`host:port`), newest first; probed directly when multicast is blocked. */
  addresses: string[]
  /** ISO times. */
  firstSeen: string
  lastSeen: string
  pairedAt?: string
}

interface DevicesFile {
  version: 1
  devices: DeviceRecord[]
}

export type RecordChange = (record: DeviceRecord | undefined) => DeviceRecord | undefined

function isString (v: unknown): v is string {
  return typeof v === 'string'
}

/** A record from disk, or undefined if it is not one (a hand edit gone wrong skips that entry, not the file). */
function parseRecord (value: unknown): DeviceRecord | undefined {
  if (value === null || typeof value !== 'object') return undefined
  const r = value as Record<string, unknown>
  if (!isString(r.peerId) || typeof r.trusted !== 'boolean' || !isString(r.firstSeen) || !isString(r.lastSeen)) return undefined
  return {
    peerId: r.peerId,
    shortCode: shortCodeFor(r.peerId),
    ...(isString(r.alias) ? { alias: r.alias } : {}),
    trusted: r.trusted,
    ...(isString(r.autoAcceptDir) ? { autoAcceptDir: r.autoAcceptDir } : {}),
    addresses: Array.isArray(r.addresses) ? r.addresses.filter(isString).slice(0, MAX_ADDRESSES) : [],
    firstSeen: r.firstSeen,
    lastSeen: r.lastSeen,
    ...(isString(r.pairedAt) ? { pairedAt: r.pairedAt } : {})
  }
}

export class TrustStore {
  readonly path: string
  readonly #maxDevices: number
  #devices = new Map<string, DeviceRecord>()
  #chain: Promise<unknown> = Promise.resolve()
  /** Set when the file on disk could not be read and was moved aside. */
  warning: string | undefined

  private constructor (path: string, maxDevices: number) {
    this.path = path
    this.#maxDevices = maxDevices
  }

  /** Opens the store in `configDir`; a missing file is an empty store. */
  static async open (configDir: string, options: { maxDevices?: number } = {}): Promise<TrustStore> {
    const store = new TrustStore(join(configDir, DEVICES_FILE), options.maxDevices ?? MAX_DEVICES)
    await sweepStaleTemps(store.path)
    await store.#reload()
    return store
  }

  get (peerId: string): DeviceRecord | undefined {
    return this.#devices.get(peerId)
  }

  list (): DeviceRecord[] {
    return [...this.#devices.values()]
  }

  /** Applies `change` to the latest version on disk and writes it; resolves with the record as stored. */
  async update (peerId: string, change: RecordChange): Promise<DeviceRecord | undefined> {
    const next = this.#chain.then(async () => {
      await this.#reload()
      const before = this.#devices.get(peerId)
      const after = change(before === undefined ? undefined : { ...before, addresses: [...before.addresses] })
      if (after === undefined) this.#devices.delete(peerId)
      else this.#devices.set(peerId, { ...after, addresses: after.addresses.slice(0, MAX_ADDRESSES) })
      this.#bound()
      await this.#write()
      return this.#devices.get(peerId)
    })
    this.#chain = next.catch(() => {})
    return await next
  }

  /** Resolves once every change asked for so far is on disk (or failed). */
  async settled (): Promise<void> {
    await this.#chain
  }

  /** Records that a device was seen (first contact creates it), with its alias and where it was reached. */
  async touch (peerId: string, seen: { alias?: string, address?: string } = {}): Promise<DeviceRecord | undefined> {
    return await this.update(peerId, (record) => {
      const now = new Date().toISOString()
      const base: DeviceRecord = record ?? { peerId, shortCode: shortCodeFor(peerId), trusted: false, addresses: [], firstSeen: now, lastSeen: now }
      return {
        ...base,
        ...(seen.alias === undefined ? {} : { alias: seen.alias }),
        addresses: seen.address === undefined ? base.addresses : [seen.address, ...base.addresses.filter((a) => a !== seen.address)],
        lastSeen: now
      }
    })
  }

  async #reload (): Promise<void> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return
      // A folder where the file goes is set aside like a damaged file: every command would fail on it otherwise.
      if (code !== 'EISDIR') throw err
      await this.#setAside(new Error('it is a folder, not a file'))
      return
    }
    try {
      const parsed = JSON.parse(text) as Partial<DevicesFile>
      if (parsed.version !== 1 || !Array.isArray(parsed.devices)) throw new Error('not a Ferry devices file')
      const devices = new Map<string, DeviceRecord>()
      for (const value of parsed.devices) {
        const record = parseRecord(value)
        if (record !== undefined) devices.set(record.peerId, record)
      }
      this.#devices = devices
    } catch (err) {
      // Atomic writes never leave a torn file; this one was damaged some other way. Keep it for the user, start over.
      await this.#setAside(err)
    }
  }

  /** Keeps what is at the file's name for the user under another name, says so, and starts with no device. */
  async #setAside (why: unknown): Promise<void> {
    const aside = `${this.path}.damaged-${Date.now()}`
    await rename(this.path, aside).catch(() => {})
    this.warning = `${this.path} could not be read (${(why as Error).message}); it was moved to ${aside} and the device list starts empty`
    this.#devices = new Map()
  }

  #bound (): void {
    if (this.#devices.size <= this.#maxDevices) return
    const forgettable = [...this.#devices.values()].filter((d) => !d.trusted).sort((x, y) => x.lastSeen.localeCompare(y.lastSeen))
    for (const record of forgettable) {
      if (this.#devices.size <= this.#maxDevices) break
      this.#devices.delete(record.peerId)
    }
  }

  async #write (): Promise<void> {
    await mkdir(join(this.path, '..'), { recursive: true, mode: 0o700 })
    const file: DevicesFile = { version: 1, devices: [...this.#devices.values()] }
    await writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`)
  }
}
