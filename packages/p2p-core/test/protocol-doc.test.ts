// docs/protocol.md is the spec of the transfer protocol: these tests keep its limits table, its error table and its
// protocol id equal to the code's, so the documentation cannot drift (STYLE.md rules 8, 9, 11).

import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { errorCodes, errorFromJson } from '../src/errors.ts'
import { defaultLimits } from '../src/limits.ts'
import { PROTOCOL_ID } from '../src/protocol/messages.ts'
import { LAST_FRAME_GRACE_MS } from '../src/protocol/control-channel.ts'
import { WRITE_BATCH_CHUNKS } from '../src/receive/receiver.ts'
import { BATCH_CHUNKS, BUFFERS_PER_FILE_IN_FLIGHT, PEER_REASON_WAIT_MS, READ_CHUNKS } from '../src/transfer/sender.ts'
import { defaultDiscoveryOptions } from '../src/discovery/discovery.ts'

const doc = await readFile(new URL('../../../docs/protocol.md', import.meta.url), 'utf8')

/** The body rows of the first table under the `## heading` section, as trimmed cells (header and rule dropped). */
function tableRows (heading: string): string[][] {
  const lines = doc.split('\n')
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`)
  if (start < 0) throw new Error(`docs/protocol.md has no "## ${heading}" section`)
  const rows: string[][] = []
  let inTable = false
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break
    if (line.startsWith('|')) {
      inTable = true
      rows.push(line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim()))
    } else if (inTable) {
      break
    }
  }
  return rows.slice(2)
}

/** `name` -> name; anything else is not a name cell. */
function unquote (cell: string | undefined): string {
  const match = /^`([^`]+)`$/.exec(cell ?? '')
  if (match === null) throw new Error(`Expected a cell in backticks, got ${JSON.stringify(cell)}`)
  return match[1] as string
}

describe('docs/protocol.md', () => {
  it('lists every limit with exactly the default the code uses, and no other rows', () => {
    const rows = tableRows('Limits')
    const documented = new Map<string, string>()
    for (const row of rows) {
      const name = unquote(row[0])
      expect(documented.has(name), `${name} is listed twice`).toBe(false)
      documented.set(name, row[2] ?? '')
    }
    expect([...documented.keys()].sort()).toEqual(Object.keys(defaultLimits).sort())
    for (const [name, value] of Object.entries(defaultLimits)) {
      expect(documented.get(name), `default of ${name}`).toBe(String(value))
    }
  })

  it('gives each limit a unit and a meaning', () => {
    for (const row of tableRows('Limits')) {
      expect(row).toHaveLength(4)
      expect(row[1], `unit of ${row[0] ?? ''}`).not.toBe('')
      expect(row[3], `meaning of ${row[0] ?? ''}`).not.toBe('')
    }
  })

  it('lists exactly the error codes the code defines', () => {
    const codes = tableRows('Error codes').map((row) => unquote(row[0]))
    expect(new Set(codes).size).toBe(codes.length)
    expect([...codes].sort()).toEqual([...errorCodes].sort())
  })

  it('names the class and phase the code gives each error code', () => {
    for (const row of tableRows('Error codes')) {
      const err = errorFromJson({ code: unquote(row[0]), message: '' })
      expect(unquote(row[1]), `class of ${err.code}`).toBe(err.name)
      expect(row[2], `phase of ${err.code}`).toBe(err.phase)
    }
  })

  it('lists every discovery option with exactly the default the code uses, a unit and a meaning', () => {
    const rows = tableRows('Discovery (`discovery/`)')
    const documented = new Map(rows.map((row) => [unquote(row[0]), row]))
    expect([...documented.keys()].sort()).toEqual(Object.keys(defaultDiscoveryOptions).sort())
    for (const [name, value] of Object.entries(defaultDiscoveryOptions)) {
      const row = documented.get(name) ?? []
      expect(row[2], `default of ${name}`).toBe(String(value))
      expect(row[1], `unit of ${name}`).not.toBe('')
      expect(row[3], `meaning of ${name}`).not.toBe('')
    }
  })

  it('states the protocol id', () => {
    expect(doc).toContain(PROTOCOL_ID)
  })

  // Issue 16: the numbers derived from the limits are named in the code; the spec states the same ones.
  it('states the derived sizes the code uses: buffers per file in flight, read, batch and write-batch chunks', () => {
    const multiples = (unit: string): number[] => [...doc.matchAll(new RegExp(`(\\d+) x \`${unit}\``, 'g'))].map((m) => Number(m[1]))
    expect(new Set(multiples('filesInFlight'))).toEqual(new Set([BUFFERS_PER_FILE_IN_FLIGHT]))
    expect(new Set(multiples('chunkBytes'))).toEqual(new Set([BATCH_CHUNKS, WRITE_BATCH_CHUNKS, READ_CHUNKS]))
    expect(doc).toContain(`buffers of ${READ_CHUNKS} x \`chunkBytes\``)
    expect(doc).toContain(`reach ${BATCH_CHUNKS} x \`chunkBytes\``)
    expect(doc).toContain(`batches of ${WRITE_BATCH_CHUNKS} x \`chunkBytes\``)
  })

  it('states the grace a last frame gets, wherever the graceful close says how long', () => {
    // The sender's wait for the reason of a stopped data stream is named with its constant.
    expect(Number(/wait up to (\d+) ms \(`PEER_REASON_WAIT_MS`\)/.exec(doc)?.[1])).toBe(PEER_REASON_WAIT_MS)
    const waits = [...doc.matchAll(/(?:waits|wait) up to (\d+) ms(?! \(`PEER_REASON_WAIT_MS`\))/g)].map((m) => Number(m[1]))
    // 3000 ms is the receiver's wait after every end (engine/inbound.ts); every other wait is a last frame's.
    expect(waits.filter((ms) => ms !== 3000).length).toBeGreaterThanOrEqual(6)
    expect(new Set(waits.filter((ms) => ms !== 3000))).toEqual(new Set([LAST_FRAME_GRACE_MS]))
  })
})
