// The one validator of FerryApi arguments: the renderer and the browser are untrusted (STYLE.md rule 4). Electron
// main's IPC bridge and the WebSocket bridge check each call with checkCall() before the service sees it, and every
// service method checks its own arguments with the same functions, so a bridge and the service cannot disagree on
// a rule. A bad argument rejects with FERRY_ERR_API_INVALID_ARGUMENT and a message naming it.

import { isAbsolute } from 'node:path'
import { defaultShareLimits } from '@ferry/http-share/limits'
import {
  ApiError, apiErrorCodes, ferryApiMethods, type CreateShareRequest, type FerryMethodName, type OfferDecisionDto, type Settings, type Trust
} from '@ferry/api'

/** Limits on arguments, in the units named. */
export const argumentLimits = {
  /** Paths in one sendFiles or createShare call: a large selection dropped at once (the engine offers 100,000 files). */
  maxPaths: 10_000,
  /** UTF-16 units of one path: Windows' extended-length limit, the longest of any system Ferry runs on. */
  maxPathLength: 32_767,
  /** UTF-8 bytes of a text message (the protocol's maxTextBytes). */
  maxTextBytes: 64 * 1024,
  /** Characters of what the user typed into "Add device". */
  maxAddressLength: 512,
  /** Characters of an offer, transfer or share id. */
  maxIdLength: 128,
  /** Ids in one dismissTransfers or clearHistory call. */
  maxIds: 10_000,
  /** File ids in one answer. */
  maxFileIds: 100_000,
  /** Characters of a share name and of the alias. */
  maxNameLength: 64,
  /** Longest share lifetime: the share server's own bound (30 days). */
  maxShareMs: defaultShareLimits.maxShareTtlMs
} as const

// A Ferry peer id (base58), or a LocalSend device's `localsend:` and its fingerprint (uppercase hex, or in http mode
// the random string it calls itself by).
const PEER_ID = /^(?:[1-9A-HJ-NP-Za-km-z]{40,100}|localsend:[0-9A-Za-z_-]{1,128})$/
const ID = /^[A-Za-z0-9_-]+$/
const trusts: readonly Trust[] = ['unknown', 'known', 'trusted']

export function invalid (message: string): ApiError {
  return new ApiError({ name: 'InvalidArgumentError', code: apiErrorCodes.invalidArgument, message })
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function onlyKeys (value: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) throw invalid(`${what} has an unknown field "${key}"`)
}

export function checkPeerId (value: unknown): string {
  if (typeof value !== 'string' || !PEER_ID.test(value)) throw invalid('peerId is not a device id')
  return value
}

export function checkId (value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > argumentLimits.maxIdLength || !ID.test(value)) throw invalid(`${what} is not a valid id`)
  return value
}

/** A list of ids (dismissTransfers, clearHistory): at most maxIds, each a valid id. */
export function checkIds (value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.length > argumentLimits.maxIds) throw invalid(`${what} must be an array of at most ${argumentLimits.maxIds} ids`)
  return value.map((id) => checkId(id, `each of ${what}`))
}

export function checkPath (value: unknown, what = 'path'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > argumentLimits.maxPathLength || value.includes('\0') || !isAbsolute(value)) {
    throw invalid(`${what} must be an absolute path`)
  }
  return value
}

export function checkPaths (value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > argumentLimits.maxPaths) {
    throw invalid(`paths must be a list of 1 to ${argumentLimits.maxPaths} absolute paths`)
  }
  return value.map((p, i) => checkPath(p, `paths[${i}]`))
}

export function checkText (value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || Buffer.byteLength(value, 'utf8') > argumentLimits.maxTextBytes) {
    throw invalid(`text must be 1 to ${argumentLimits.maxTextBytes} bytes of UTF-8`)
  }
  return value
}

export function checkAddress (value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > argumentLimits.maxAddressLength) throw invalid('the address must be text')
  return value
}

export function checkTrust (value: unknown): Trust {
  if (typeof value !== 'string' || !trusts.includes(value as Trust)) throw invalid('trust must be unknown, known or trusted')
  return value as Trust
}

export function checkOptionalBoolean (value: unknown, what: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw invalid(`${what} must be true or false`)
  return value
}

export function checkDecision (value: unknown): OfferDecisionDto {
  if (!isRecord(value) || typeof value.accept !== 'boolean') throw invalid('decision must be { accept: boolean, ... }')
  if (!value.accept) {
    onlyKeys(value, ['accept'], 'decision')
    return { accept: false }
  }
  onlyKeys(value, ['accept', 'fileIds', 'trust'], 'decision')
  const trust = checkOptionalBoolean(value.trust, 'decision.trust')
  let fileIds: number[] | undefined
  if (value.fileIds !== undefined) {
    const ids = value.fileIds
    if (!Array.isArray(ids) || ids.length > argumentLimits.maxFileIds || !ids.every((id) => Number.isSafeInteger(id) && (id as number) >= 0)) {
      throw invalid('decision.fileIds must be a list of file ids')
    }
    fileIds = ids as number[]
  }
  return { accept: true, ...(fileIds === undefined ? {} : { fileIds }), ...(trust === undefined ? {} : { trust }) }
}

export function checkShareRequest (value: unknown): CreateShareRequest {
  if (!isRecord(value)) throw invalid('request must be an object')
  onlyKeys(value, ['paths', 'pin', 'expiresInMs', 'allowUpload', 'name'], 'request')
  const paths = checkPaths(value.paths)
  if (typeof value.pin !== 'boolean') throw invalid('request.pin must be true or false')
  if (typeof value.allowUpload !== 'boolean') throw invalid('request.allowUpload must be true or false')
  const ms = value.expiresInMs
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms <= 0 || ms > argumentLimits.maxShareMs) throw invalid('request.expiresInMs must be from 1 ms to 30 days')
  const name = value.name
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '' || name.length > argumentLimits.maxNameLength)) throw invalid('request.name must be 1 to 64 characters')
  return { paths, pin: value.pin, expiresInMs: ms, allowUpload: value.allowUpload, ...(name === undefined ? {} : { name }) }
}

/** Whether one setting's value is allowed (an alias as stored: trimmed). */
const settingRules: { readonly [K in keyof Settings]: (value: unknown) => boolean } = {
  alias: (v) => typeof v === 'string' && v.trim() !== '' && v.length <= argumentLimits.maxNameLength,
  downloadDir: (v) => typeof v === 'string' && v.length <= argumentLimits.maxPathLength && isAbsolute(v) && !v.includes('\0'),
  autoAcceptTrusted: (v) => typeof v === 'boolean',
  followLinks: (v) => typeof v === 'boolean',
  port: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535,
  filesInFlight: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 64
}
const settingKeys = Object.keys(settingRules) as Array<keyof Settings>

export function isValidSettings (s: Record<string, unknown>): boolean {
  return settingKeys.every((key) => settingRules[key](s[key]))
}

/** A patch whose every field is a known setting with an allowed value (an alias trimmed first). */
export function checkSettingsPatch (value: unknown): Partial<Settings> {
  if (!isRecord(value)) throw invalid('patch must be an object')
  onlyKeys(value, settingKeys, 'patch')
  const patch = { ...value } as Record<string, unknown>
  if (typeof patch.alias === 'string') patch.alias = patch.alias.trim()
  const wrong = settingKeys.find((key) => Object.hasOwn(patch, key) && !settingRules[key](patch[key]))
  if (wrong !== undefined) throw invalid(`The setting ${wrong} is out of range`)
  return patch as Partial<Settings>
}

/** Each method's data arguments, checked in order (an omitted trailing argument is checked as undefined). */
const argumentChecks: { readonly [M in FerryMethodName]: ReadonlyArray<(value: unknown) => unknown> } = {
  getState: [],
  sendFiles: [checkPeerId, checkPaths],
  sendText: [checkPeerId, checkText],
  addPeerByAddress: [checkAddress],
  respondToOffer: [(v) => checkId(v, 'offerId'), checkDecision],
  cancelTransfer: [(v) => checkId(v, 'transferId')],
  retryTransfer: [(v) => checkId(v, 'transferId')],
  setTrust: [checkPeerId, checkTrust, (v) => checkOptionalBoolean(v, 'autoAccept')],
  createShare: [checkShareRequest],
  revokeShare: [(v) => checkId(v, 'shareId')],
  updateSettings: [checkSettingsPatch],
  openFile: [(v) => checkPath(v)],
  showInFolder: [(v) => checkPath(v)],
  pickFiles: [],
  pickFolder: [],
  listFolder: [(v) => v === null ? null : checkPath(v)],
  dismissTransfers: [(v) => v === undefined ? undefined : checkIds(v, 'transferIds')],
  clearHistory: [(v) => v === undefined ? undefined : checkIds(v, 'entryIds')],
  removePeer: [checkPeerId]
}

/**
 * A call as it arrives over a bridge: `method` must name a FerryApi method (never any other property of the
 * service) and `args` fit it. Returns the method and its data arguments, omitted trailing ones as undefined.
 */
export function checkCall (method: unknown, args: unknown): { method: FerryMethodName, args: unknown[] } {
  if (typeof method !== 'string' || !Object.hasOwn(ferryApiMethods, method)) throw invalid('Unknown method')
  const name = method as FerryMethodName
  const arity = ferryApiMethods[name]
  if (!Array.isArray(args) || args.length > arity) throw invalid(`${name} takes at most ${arity} argument(s)`)
  const padded = [...args, ...new Array<undefined>(arity - args.length).fill(undefined)]
  argumentChecks[name].forEach((check, index) => { check(padded[index]) })
  return { method: name, args: padded }
}
