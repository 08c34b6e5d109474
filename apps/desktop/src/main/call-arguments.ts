// What each FerryApi method may receive from the renderer, checked in main before the service sees it: the
// renderer is untrusted (STYLE.md rule 4). The shapes and bounds here are the IPC layer's; the service still checks
// meaning (a peer that exists, a folder that is writable). A refusal is FERRY_ERR_API_INVALID_ARGUMENT.

import { ApiError, apiErrorCodes, type FerryMethodName, ferryApiMethods } from '@ferry/api'

/** Longest id, alias or address string accepted, in UTF-16 code units. */
export const MAX_SHORT_STRING = 1024
/** Longest path accepted, in UTF-16 code units (beyond every OS's path limit). */
export const MAX_PATH_LENGTH = 32_768
/** Most paths one call may name (sendFiles, createShare). */
export const MAX_PATHS_PER_CALL = 10_000
/** Largest sendText text, in UTF-8 bytes (ferry-api.ts: 64 KiB). */
export const MAX_TEXT_BYTES = 64 * 1024
/** Most file ids in one offer answer. */
export const MAX_FILE_IDS = 100_000

/** Returns a reason when the value is wrong, undefined when it is fine. */
type Check = (value: unknown) => string | undefined

interface ArgSpec {
  name: string
  check: Check
  /** May be left out (only trailing arguments). */
  optional?: boolean
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype

const shortString: Check = (v) =>
  typeof v !== 'string' || v.length === 0 || v.length > MAX_SHORT_STRING ? `a string of 1 to ${MAX_SHORT_STRING} characters` : undefined

const path: Check = (v) =>
  typeof v !== 'string' || v.length === 0 || v.length > MAX_PATH_LENGTH || v.includes('\0') ? 'a path (non-empty string without NUL)' : undefined

const pathList: Check = (v) => {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_PATHS_PER_CALL) return `an array of 1 to ${MAX_PATHS_PER_CALL} paths`
  return v.some((item) => path(item) !== undefined) ? 'an array of paths (non-empty strings without NUL)' : undefined
}

const text: Check = (v) =>
  typeof v !== 'string' || v.length === 0 || Buffer.byteLength(v, 'utf8') > MAX_TEXT_BYTES ? `a non-empty string of at most ${MAX_TEXT_BYTES} UTF-8 bytes` : undefined

const boolean: Check = (v) => typeof v !== 'boolean' ? 'a boolean' : undefined

const trust: Check = (v) => v !== 'unknown' && v !== 'known' && v !== 'trusted' ? "'unknown', 'known' or 'trusted'" : undefined

const onlyKeys = (value: Record<string, unknown>, allowed: readonly string[]): string | undefined => {
  const extra = Object.keys(value).find((key) => !allowed.includes(key))
  return extra === undefined ? undefined : `no property '${extra}'`
}

const decision: Check = (v) => {
  const shape = '{ accept: true, fileIds?: number[], trust?: boolean } or { accept: false }'
  if (!isRecord(v) || typeof v.accept !== 'boolean') return shape
  if (!v.accept) return onlyKeys(v, ['accept'])
  const ids = v.fileIds
  if (ids !== undefined && (!Array.isArray(ids) || ids.length > MAX_FILE_IDS || ids.some((id) => !Number.isSafeInteger(id) || (id as number) < 0))) {
    return `fileIds: an array of at most ${MAX_FILE_IDS} non-negative integers`
  }
  if (v.trust !== undefined && typeof v.trust !== 'boolean') return 'trust: a boolean'
  return onlyKeys(v, ['accept', 'fileIds', 'trust'])
}

const shareRequest: Check = (v) => {
  if (!isRecord(v)) return 'a CreateShareRequest object'
  const paths = pathList(v.paths)
  if (paths !== undefined) return `paths: ${paths}`
  if (typeof v.pin !== 'boolean') return 'pin: a boolean'
  if (typeof v.allowUpload !== 'boolean') return 'allowUpload: a boolean'
  if (typeof v.expiresInMs !== 'number' || !Number.isSafeInteger(v.expiresInMs) || v.expiresInMs <= 0) return 'expiresInMs: a positive integer'
  if (v.name !== undefined && shortString(v.name) !== undefined) return `name: ${shortString(v.name) ?? ''}`
  return onlyKeys(v, ['paths', 'pin', 'expiresInMs', 'allowUpload', 'name'])
}

const settingsChecks: Record<string, Check> = {
  alias: shortString,
  downloadDir: path,
  autoAcceptTrusted: boolean,
  followLinks: boolean,
  port: (v) => typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65_535 ? 'an integer port 0-65535' : undefined,
  filesInFlight: (v) => typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 64 ? 'an integer from 1 to 64' : undefined
}

const settingsPatch: Check = (v) => {
  if (!isRecord(v)) return 'a partial Settings object'
  for (const [key, value] of Object.entries(v)) {
    const check = settingsChecks[key]
    if (check === undefined) return `no setting '${key}'`
    const reason = check(value)
    if (reason !== undefined) return `${key}: ${reason}`
  }
  return undefined
}

/** The data arguments of every method, in order; lengths match `ferryApiMethods` (a test holds them to it). */
export const callArgumentSpecs: { readonly [M in FerryMethodName]: readonly ArgSpec[] } = {
  getState: [],
  sendFiles: [{ name: 'peerId', check: shortString }, { name: 'paths', check: pathList }],
  sendText: [{ name: 'peerId', check: shortString }, { name: 'text', check: text }],
  addPeerByAddress: [{ name: 'text', check: shortString }],
  respondToOffer: [{ name: 'offerId', check: shortString }, { name: 'decision', check: decision }],
  cancelTransfer: [{ name: 'transferId', check: shortString }],
  retryTransfer: [{ name: 'transferId', check: shortString }],
  setTrust: [{ name: 'peerId', check: shortString }, { name: 'trust', check: trust }, { name: 'autoAccept', check: boolean, optional: true }],
  createShare: [{ name: 'request', check: shareRequest }],
  revokeShare: [{ name: 'shareId', check: shortString }],
  updateSettings: [{ name: 'patch', check: settingsPatch }],
  openFile: [{ name: 'path', check: path }],
  showInFolder: [{ name: 'path', check: path }],
  pickFiles: [],
  pickFolder: []
}

export function invalidArgument (message: string): ApiError {
  return new ApiError({ name: 'InvalidArgumentError', code: apiErrorCodes.invalidArgument, message })
}

/** Throws FERRY_ERR_API_INVALID_ARGUMENT unless `args` fit `method`; trailing optional arguments may be left out. */
export function checkCallArguments (method: FerryMethodName, args: readonly unknown[]): void {
  const specs = callArgumentSpecs[method]
  const required = specs.filter((spec) => spec.optional !== true).length
  const max = ferryApiMethods[method]
  if (args.length < required || args.length > max) {
    const expected = required === max ? `${max}` : `${required} to ${max}`
    throw invalidArgument(`${method} takes ${expected} argument(s), got ${args.length}`)
  }
  args.forEach((value, index) => {
    const spec = specs[index]
    const reason = spec === undefined ? 'nothing' : spec.check(value)
    if (reason !== undefined) throw invalidArgument(`${method}: ${spec?.name ?? `argument ${index}`} must be ${reason}`)
  })
}
