// docs/localsend.md lists LocalSend's limits and error codes: these tests keep its tables equal to the code, so the
// documentation cannot drift (STYLE.md rules 8 and 9).

import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { defaultLocalSendLimits, localSendErrors } from '../src/index.ts'

const doc = await readFile(new URL('../../../docs/localsend.md', import.meta.url), 'utf8')

/** The body rows of the first table under `## heading`, as trimmed cells. */
function tableRows (heading: string): string[][] {
  const lines = doc.split('\n')
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`)
  if (start < 0) throw new Error(`docs/localsend.md has no "## ${heading}" section`)
  const rows: string[][] = []
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break
    if (line.startsWith('|')) rows.push(line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim()))
    else if (rows.length > 0) break
  }
  return rows.slice(2)
}

function unquote (cell: string | undefined): string {
  const match = /^`([^`]+)`$/.exec(cell ?? '')
  if (match === null) throw new Error(`Expected a cell in backticks, got ${JSON.stringify(cell)}`)
  return match[1] as string
}

describe('docs/localsend.md (issue 18)', () => {
  it('lists every limit with exactly the default the code uses, a unit and a meaning', () => {
    const rows = tableRows('Limits')
    const documented = new Map(rows.map((row) => [unquote(row[0]), row]))
    expect(documented.size).toBe(rows.length)
    expect([...documented.keys()].sort()).toEqual(Object.keys(defaultLocalSendLimits).sort())
    for (const [name, value] of Object.entries(defaultLocalSendLimits)) {
      const row = documented.get(name) as string[]
      expect(row, name).toHaveLength(4)
      expect(row[2], `default of ${name}`).toBe(String(value))
      expect(row[1], `unit of ${name}`).not.toBe('')
      expect(row[3], `meaning of ${name}`).not.toBe('')
    }
  })

  it('lists exactly the LocalSend error codes, with the class, phase and status the code gives each', () => {
    const rows = tableRows('Error codes')
    expect(rows.map((row) => unquote(row[0])).sort()).toEqual(localSendErrors.map((cls) => cls.code).sort())
    for (const row of rows) {
      const cls = localSendErrors.find((c) => c.code === unquote(row[0]))
      if (cls === undefined) throw new Error(`unknown code ${row[0] ?? ''}`)
      const err = new cls()
      expect(unquote(row[1]), `class of ${cls.code}`).toBe(err.name)
      expect(row[2], `phase of ${cls.code}`).toBe(err.phase)
      expect(row[3], `status of ${cls.code}`).toBe(String(cls.status))
    }
  })
})
