// @vitest-environment jsdom
// Every stable error code the engine can send has a sentence a person understands, and none of them is shown as
// a bare code. The codes are read as text from the engine's docs and sources (never imported: the UI does not
// load engine code), so a code added there without a sentence here fails this test.

import { describe, expect, it } from 'vitest'
import protocolDoc from '../../../docs/protocol.md?raw'
import coreErrors from '../../p2p-core/src/errors.ts?raw'
import shareErrors from '../../http-share/src/errors.ts?raw'
import { apiErrorCodes } from '@ferry/api'
import { errorMessages, messageFor } from '../src/messages.ts'

/** Codes as string literals in a source file ('FERRY_ERR_...'), not mentions in its comments. */
const codesIn = (text: string): string[] => [...new Set([...text.matchAll(/'(FERRY_ERR_[A-Z_]+)'/g)].map((m) => m[1] as string))]

/** Codes in the error table of docs/protocol.md. */
function documentedCodes (): string[] {
  const section = protocolDoc.slice(protocolDoc.indexOf('## Error codes'))
  return section.split('\n').filter((line) => line.startsWith('| `FERRY_ERR_')).map((line) => (/`(FERRY_ERR_[A-Z_]+)`/.exec(line) as RegExpExecArray)[1] as string)
}

describe('error messages', () => {
  it('have a sentence for every code in the docs/protocol.md error table', () => {
    const codes = documentedCodes()
    expect(codes.length).toBeGreaterThan(15)
    expect(codes.filter((code) => errorMessages[code] === undefined)).toEqual([])
  })

  it('have a sentence for every code p2p-core and http-share define', () => {
    const codes = [...codesIn(coreErrors), ...codesIn(shareErrors)]
    expect(codes).toContain('FERRY_ERR_SHARE_WRONG_PIN')
    expect(codes.filter((code) => errorMessages[code] === undefined)).toEqual([])
  })

  it('have a sentence for every code of the FerryApi layer', () => {
    expect(Object.values(apiErrorCodes).filter((code) => errorMessages[code] === undefined)).toEqual([])
  })

  it('are sentences, not codes or the engine’s wording', () => {
    for (const [code, sentence] of Object.entries(errorMessages)) {
      expect(sentence, code).toMatch(/^[A-Z].*[.!]$/)
      expect(sentence, code).not.toMatch(/FERRY_ERR_/)
    }
  })

  it('fall back to the engine’s own words and the code for a code from a newer version', () => {
    expect(messageFor({ code: 'FERRY_ERR_FUTURE', message: 'A thing from the future.' }))
      .toBe('Something went wrong (A thing from the future). Error code: FERRY_ERR_FUTURE.')
  })
})
