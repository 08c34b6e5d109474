// What the terminal may be shown of a string Ferry did not write itself (a peer's alias, a file name, an argument
// echoed in a usage error): control, bidi and invisible characters escaped. Used by output.ts and main.ts.

// C0 and C1 controls and DEL (ESC and CSI start every ANSI sequence, \r and \b overwrite a line), the bidi controls
// (they reorder what follows), lone surrogates, and invisible characters that make one name look like another.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb]|\p{Surrogate}/gu
// eslint-disable-next-line no-control-regex
const UNSAFE_KEEPING_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|\p{Surrogate}/gu

const escape = (char: string): string => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`

/**
 * A string from a peer, a browser or the disk as it may be shown on a terminal: each control, bidi or invisible
 * character becomes `\uXXXX`, so it can neither move the cursor, clear the screen, retitle the window or hide
 * the line before it, nor make a look-alike name look the same. With `lines`, newlines and tabs stay (a text
 * message keeps its lines) and zero-width characters stay too (emoji are made of joiners).
 */
export function printable (text: string, options: { lines?: boolean } = {}): string {
  return text.replace(options.lines === true ? UNSAFE_KEEPING_LINES : UNSAFE, escape)
}
