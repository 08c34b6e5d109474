// A person-readable name for a browser that offers files and gave no name of its own: "Firefox on Android".
// Only a hint for the person deciding; nothing trusts it.

import type { DeviceType } from '@ferry/p2p-core'

const BROWSERS: Array<[RegExp, string]> = [
  [/Edg\//, 'Edge'], [/OPR\//, 'Opera'], [/Firefox\//, 'Firefox'], [/Chrom(e|ium)\//, 'Chrome'], [/Safari\//, 'Safari']
]
const SYSTEMS: Array<[RegExp, string]> = [
  [/Android/, 'Android'], [/iPhone/, 'iPhone'], [/iPad/, 'iPad'], [/Windows/, 'Windows'], [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'], [/Linux/, 'Linux']
]

export function describeUserAgent (ua: string | undefined): string {
  if (ua === undefined || ua === '') return 'a browser'
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1] ?? 'a browser'
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1]
  return system === undefined ? browser : `${browser} on ${system}`
}

export function deviceTypeOf (ua: string | undefined): DeviceType {
  return ua !== undefined && /Mobile|Android|iPhone/.test(ua) ? 'phone' : 'unknown'
}

/** A name typed into the page: control characters removed, trimmed, at most 64 characters. */
export function cleanAlias (alias: string | undefined): string | undefined {
  if (alias === undefined) return undefined
  // eslint-disable-next-line no-control-regex
  const cleaned = [...alias.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim()].slice(0, 64).join('')
  return cleaned === '' ? undefined : cleaned
}
