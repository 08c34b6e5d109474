import { describe, expect, it } from 'vitest'
import { InvalidPathError } from '../src/errors.ts'
import { OfferedPaths, collisionKey, sanitizeRelativePath, utf8ByteLength } from '../src/protocol/paths.ts'

const limits = { maxPathBytes: 4096, maxNameBytes: 255, maxPathDepth: 128 }

describe('path sanitising', () => {
  const refused: Array<[string, unknown]> = [
    ['an empty path', ''],
    ['a parent reference', '..'],
    ['a parent reference inside', 'a/../../b'],
    ['a current-dir component', 'a/./b'],
    ['an absolute path', '/etc/passwd'],
    ['a drive letter', 'C:\\x'],
    ['a drive-relative path', 'C:x'],
    ['a backslash separator', 'a\\b'],
    ['a reserved device name', 'CON'],
    ['a reserved name with extension', 'dir/nul.txt'],
    ['a reserved name in lower case', 'com1'],
    ['a NUL byte', 'a\u0000b'],
    ['a control character', 'a\nb'],
    ['an empty component', 'a//b'],
    ['a trailing slash', 'a/'],
    ['a trailing dot', 'name.'],
    ['a trailing space', 'name '],
    ['a Windows-forbidden character', 'what?.txt'],
    ['a name over 255 bytes', 'é'.repeat(128)],
    ['a name of 256 bytes in three-byte characters and one ASCII', '日'.repeat(85) + 'a'],
    ['a name of 256 bytes in four-byte characters', '\ud83d\ude00'.repeat(64)],
    ['a path over the byte limit', Array(20).fill('a'.repeat(250)).join('/')],
    ['a non-string', 42],
    // Issue 13: names that read otherwise than they are, that cannot be saved as given, or that are Ferry's own.
    ['a right-to-left override (issue 13)', 'photo\u202egpj.exe'],
    ['a left-to-right embedding (issue 13)', 'a\u202ab'],
    ['a first-strong isolate (issue 13)', 'dir/\u2068name'],
    ['a pop-directional isolate (issue 13)', 'name\u2069'],
    ['a right-to-left mark (issue 13)', 'a\u200fb'],
    ['a left-to-right mark (issue 13)', '\u200eb'],
    ['an Arabic letter mark (issue 13)', 'a\u061cb'],
    ['a C1 control, NEL (issue 13)', 'a\u0085b'],
    ['a C1 control, CSI (issue 13)', 'a\u009b2J'],
    ['an escape sequence (issue 13)', 'a\u001b[2Jb'],
    ['a lone high surrogate (issue 13)', 'a\ud800.txt'],
    ['a lone low surrogate (issue 13)', 'dir/\udc00'],
    ['a partial-file name (issue 13)', '.ferry-0123456789abcdef01234567.part'],
    ['a .ferry- prefix in another case, deeper down (issue 13)', 'a/.FERRY-x.part.json'],
    ['a .ferry- prefix on a folder (issue 13)', '.Ferry-dir/file'],
    // Issue 13, red team: Windows devices the first list missed, and paths deep enough to cost more than their length.
    ['a Windows device name with a space before its extension (issue 13)', 'NUL .txt'],
    ['the console input device (issue 13)', 'CONIN$'],
    ['the console output device with an extension (issue 13)', 'conout$.log'],
    ['the clock device (issue 13)', 'CLOCK$'],
    ['a path deeper than maxPathDepth (issue 13)', Array(129).fill('d').join('/')]
  ]
  for (const [what, path] of refused) {
    it(`refuses ${what}`, () => {
      expect(() => sanitizeRelativePath(path, limits)).toThrow(InvalidPathError)
    })
  }

  const accepted: Array<[string, string, string[]]> = [
    ['a plain name', 'a.txt', ['a.txt']],
    ['nested folders', 'a/b/c.bin', ['a', 'b', 'c.bin']],
    ['unicode names', 'фото/日本語 ✓.jpg', ['фото', '日本語 ✓.jpg']],
    ['a dotfile', '.config', ['.config']],
    ['a name that only starts like a reserved one', 'console.log', ['console.log']],
    ['a name of exactly 255 bytes', 'a'.repeat(255), ['a'.repeat(255)]],
    ['a name of exactly 255 bytes in two-byte characters', 'é'.repeat(127) + 'a', ['é'.repeat(127) + 'a']],
    ['a name of exactly 255 bytes in three-byte characters', '日'.repeat(85), ['日'.repeat(85)]],
    ['a name of 252 bytes in four-byte characters', '\ud83d\ude00'.repeat(63), ['\ud83d\ude00'.repeat(63)]],
    ['a surrogate pair (an emoji)', '\ud83d\ude00.txt', ['\ud83d\ude00.txt']],
    ['a name that only contains ferry', 'my.ferry-notes', ['my.ferry-notes']],
    ['a hidden name that is not Ferry\'s', '.ferry', ['.ferry']],
    ['Hebrew and Arabic letters without controls', 'שלום/مرحبا.txt', ['שלום', 'مرحبا.txt']]
  ]
  for (const [what, path, parts] of accepted) {
    it(`accepts ${what}`, () => {
      expect(sanitizeRelativePath(path, limits)).toEqual(parts)
    })
  }

  it('normalises to NFC so decomposed and composed names are one name', () => {
    expect(sanitizeRelativePath('e\u0301.txt', limits)).toEqual(['\u00e9.txt'])
  })

  it('gives names differing only in case or normalisation the same collision key', () => {
    expect(collisionKey(sanitizeRelativePath('A/É.txt', limits))).toBe(collisionKey(sanitizeRelativePath('a/e\u0301.TXT', limits)))
  })
})

describe('the paths of one offer', () => {
  it('refuse a file where another offered path needs a folder, in either order', () => {
    const a = new OfferedPaths()
    a.add(['photos'])
    expect(() => { a.add(['photos', 'x.jpg']) }).toThrow(InvalidPathError)
    const b = new OfferedPaths()
    b.add(['photos', 'x.jpg'])
    expect(() => { b.add(['photos']) }).toThrow(InvalidPathError)
  })

  it('refuse two names that differ only in case or Unicode normalisation', () => {
    const paths = new OfferedPaths()
    paths.add(['Café.txt'])
    expect(() => { paths.add(['CAFÉ.TXT']) }).toThrow(InvalidPathError)
  })

  // Issue 13, red team: lower-casing is not case folding; these collide on case-insensitive filesystems.
  for (const [a, b] of [['aΣ', 'aσ'], ['ſ.txt', 's.txt'], ['straße', 'STRASSE'], ['STRAẞE', 'strasse'], ['ﬀ', 'ff']]) {
    it(`refuse ${a} beside ${b}, and a folder ${a} beside a file ${b} (issue 13)`, () => {
      const names = new OfferedPaths()
      names.add([a as string])
      expect(() => { names.add([b as string]) }).toThrow(InvalidPathError)
      const mixed = new OfferedPaths()
      mixed.add([b as string])
      expect(() => { mixed.add([a as string, 'inside']) }).toThrow(InvalidPathError)
    })
  }

  it('keep a deep offer\'s cost to its length: 1,000 paths 128 folders deep are checked as one tree (issue 13)', () => {
    const names = new OfferedPaths()
    const deep = Array.from({ length: 127 }, (_, i) => `folder-${i}-${'x'.repeat(20)}`)
    for (let i = 0; i < 1_000; i++) names.add([`top-${i}`, ...deep.slice(1), `file-${i}`])
    expect(() => { names.add(['top-0', ...deep.slice(1), 'file-0']) }).toThrow(InvalidPathError)
  })

  it('accept siblings in one folder', () => {
    const paths = new OfferedPaths()
    paths.add(['a', 'b'])
    expect(() => { paths.add(['a', 'c']) }).not.toThrow()
  })
})

describe('utf8ByteLength (issue 17: offers are measured without encoding every path)', () => {
  const encoder = new TextEncoder()
  const samples = [
    '', 'a', 'plain/ascii path.txt', 'é', 'фото/日本語 ✓.jpg', '\ud83d\ude00', 'x\ud83d\ude00y',
    '\ud83d', '\ude00', 'a\ud83dz', '\ude00\ud83d', '\ud83d\ud83d\ude00', '\u07ff\u0800\uffff', '\u0000\u007f\u0080'
  ]
  for (const text of samples) {
    it(`counts ${JSON.stringify(text)} as TextEncoder writes it`, () => {
      expect(utf8ByteLength(text)).toBe(encoder.encode(text).byteLength)
    })
  }
})
