// docs/http-share.md is the spec of share links: these tests keep its limits table, its error tables and its upload
// protocol id equal to the code's, so the documentation cannot drift (STYLE.md rules 8, 9, 11).

import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import {
  UPLOAD_PROTOCOL, defaultShareLimits, reusedCoreCodes, shareErrorCodes, shareErrorFromJson, statusOf
} from '../src/index.ts'

const doc = await readFile(new URL('../../../docs/http-share.md', import.meta.url), 'utf8')

/** The body rows of the `n`th table under the `## heading` section, as trimmed cells. */
function tableRows (heading: string, n = 0): string[][] {
  const lines = doc.split('\n')
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`)
  if (start < 0) throw new Error(`docs/http-share.md has no "## ${heading}" section`)
  const tables: string[][][] = []
  let current: string[][] | null = null
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break
    if (line.startsWith('|')) {
      if (current === null) { current = []; tables.push(current) }
      current.push(line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim()))
    } else {
      current = null
    }
  }
  const table = tables[n]
  if (table === undefined) throw new Error(`no table ${n} under ${heading}`)
  return table.slice(2)
}

function unquote (cell: string | undefined): string {
  const match = /^`([^`]+)`$/.exec(cell ?? '')
  if (match === null) throw new Error(`Expected a cell in backticks, got ${JSON.stringify(cell)}`)
  return match[1] as string
}

describe('docs/http-share.md', () => {
  it('lists every limit with exactly the default the code uses, a unit and a meaning', () => {
    const rows = tableRows('Limits')
    const documented = new Map(rows.map((row) => [unquote(row[0]), row]))
    expect(documented.size).toBe(rows.length)
    expect([...documented.keys()].sort()).toEqual(Object.keys(defaultShareLimits).sort())
    for (const [name, value] of Object.entries(defaultShareLimits)) {
      const row = documented.get(name) as string[]
      expect(row, name).toHaveLength(4)
      expect(row[2], `default of ${name}`).toBe(String(value))
      expect(row[1], `unit of ${name}`).not.toBe('')
      expect(row[3], `meaning of ${name}`).not.toBe('')
    }
  })

  it('lists exactly the share error codes, with the class, phase and status the code gives each', () => {
    const rows = tableRows('Error codes', 0)
    expect(rows.map((row) => unquote(row[0])).sort()).toEqual([...shareErrorCodes].sort())
    for (const row of rows) {
      const err = shareErrorFromJson({ code: unquote(row[0]), message: '' })
      expect(unquote(row[1]), `class of ${err.code}`).toBe(err.name)
      expect(row[2], `phase of ${err.code}`).toBe(err.phase)
      expect(row[3], `status of ${err.code}`).toBe(String(statusOf(err)))
    }
  })

  it('lists the p2p-core codes share links reuse, with their status', () => {
    const rows = tableRows('Error codes', 1)
    expect(rows.map((row) => unquote(row[0])).sort()).toEqual([...reusedCoreCodes].sort())
    for (const row of rows) expect(row[1], unquote(row[0])).toBe(String(statusOf(shareErrorFromJson({ code: unquote(row[0]), message: '' }))))
  })

  it('states the upload protocol id', () => {
    expect(doc).toContain(`\`${UPLOAD_PROTOCOL}\``)
  })
})
