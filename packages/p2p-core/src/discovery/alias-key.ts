// How device aliases compare: by what a person sees, not by their code points. Two aliases that look alike on a
// screen get the same key, so a device that calls itself `nаs` (Cyrillic а), `ｎａｓ`, `NAS`, `nas` plus a zero-width
// space or `na` + soft hyphen + `s` is taken for one that looks like the `nas` you know, and the app flags it.
// The key is a skeleton in the manner of Unicode TS #39 (section 4): NFKC; default-ignorable, bidi and control
// characters removed; each character replaced by its prototype from the confusables table (the `unhomoglyph`
// package carries Unicode's confusables.txt), case folded, mapped again; spaces collapsed. Never shown to anyone:
// `m` becomes `rn`. The table (164 KB) is loaded on the first comparison, not with the engine: a `ferry send` to an
// address never compares aliases, and every command pays for what the engine loads.

import { createRequire } from 'node:module'

let unhomoglyph: ((text: string) => string) | undefined

function mapped (text: string): string {
  unhomoglyph ??= createRequire(import.meta.url)('unhomoglyph') as (text: string) => string
  return unhomoglyph(text)
}

// Default-ignorable code points (zero-width spaces and joiners, soft hyphen, variation selectors...), bidi controls,
// and C0/C1 controls: all invisible, or invisible in effect.
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}\p{Cc}]/gu

/**
 * Each character to its prototype, case folded in between: mapping first keeps `I` -> `l` (a capital i looks like a
 * small L, a small i does not), folding then makes `NAS` and `nas` one, and the second mapping takes the folded
 * prototypes (`0` -> `O` -> `o`, `Ν` Greek -> `N` -> `n`) to theirs.
 */
function prototypes (text: string): string {
  return mapped(mapped(text.normalize('NFD')).toLowerCase()).normalize('NFD')
}

/** The skeleton two aliases share when they look alike, ignoring case (see the header). */
export function aliasKey (alias: string): string {
  const visible = alias.normalize('NFKC').replace(INVISIBLE, '')
  return prototypes(visible).replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim()
}
