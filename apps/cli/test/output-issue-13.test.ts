// Issue 13: what a peer (or a browser, or a name on disk) says reaches a terminal only escaped: one helper,
// printable(), used for every such string, and under every human line the CLI prints.

import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { RemoteError } from '@ferry/p2p-core'
import { createOutput, peerLabel, printable } from '../src/output.ts'

/** An Output writing into strings. */
function captured (): { out: ReturnType<typeof createOutput>, stdout: () => string, stderr: () => string } {
  const streams = { stdout: new PassThrough(), stderr: new PassThrough() }
  const text = { stdout: '', stderr: '' }
  streams.stdout.on('data', (d: Buffer) => { text.stdout += d.toString() })
  streams.stderr.on('data', (d: Buffer) => { text.stderr += d.toString() })
  const out = createOutput({ json: false, stdout: streams.stdout as unknown as NodeJS.WriteStream, stderr: streams.stderr as unknown as NodeJS.WriteStream })
  return { out, stdout: () => text.stdout, stderr: () => text.stderr }
}

// What a terminal acts on or hides: C0 (but newline and tab), DEL, C1, bidi controls, lone surrogates.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\p{Surrogate}/u

describe('printing what others say (issue 13)', () => {
  it.each([
    ['clear the screen', '\u001b[2J', '\\u001b[2J'],
    ['retitle the window', '\u001b]0;x\u0007', '\\u001b]0;x\\u0007'],
    ['overwrite the line', 'evil\rtrusted', 'evil\\u000dtrusted'],
    ['start a line of its own', 'nas\n"nas" [K7Q2-9MXD], trusted', 'nas\\u000a"nas" [K7Q2-9MXD], trusted'],
    ['use a C1 CSI', '\u009b2J', '\\u009b2J'],
    ['reverse what follows', '\u202Enas', '\\u202enas'],
    ['hide a character', 'na\u00ADs\u200B', 'na\\u00ads\\u200b'],
    ['be half a surrogate pair', 'a\ud800b', 'a\\ud800b']
  ])('escapes a one-line string that would %s', (_what, raw, shown) => {
    expect(printable(raw)).toBe(shown)
  })

  it('keeps a text message\'s lines, tabs and emoji but escapes its escape codes and carriage returns', () => {
    expect(printable('line one\n\tline two \u001b[31mred\r\n👨‍👩‍👧 ❤️', { lines: true })).toBe('line one\n\tline two \\u001b[31mred\\u000d\n👨‍👩‍👧 ❤️')
  })

  it('leaves ordinary names alone, in any script', () => {
    for (const name of ['nas', 'Müller’s laptop', 'фото', '日本語 ✓', 'שלום', 'مرحبا']) expect(printable(name)).toBe(name)
  })

  it('prints a device as "alias" [code], its alias escaped', () => {
    expect(peerLabel({ alias: '\u001b[2Jnas', shortCode: 'K7Q2-9MXD' })).toBe('"\\u001b[2Jnas" [K7Q2-9MXD]')
    expect(peerLabel({ shortCode: 'K7Q2-9MXD' })).toBe('unknown device [K7Q2-9MXD]')
  })

  it('escapes control characters in every human line and in an error message from a peer, and stays JSON with --json', () => {
    const c = captured()
    c.out.say('a line someone forgot to escape: \u001b[2J\u009b\u202E')
    c.out.fail(new RemoteError('the receiver says \u001b]0;pwned\u0007\r\nok'))
    expect(c.stdout()).toBe('a line someone forgot to escape: \\u001b[2J\\u009b\\u202e\n')
    expect(c.stderr()).toBe('ferry: the receiver says \\u001b]0;pwned\\u0007\\u000d\\u000aok (FERRY_ERR_REMOTE)\n')
    expect(RAW_CONTROL.test(c.stdout() + c.stderr())).toBe(false)
  })
})
