// Checks every argument of every FerryApi method before anything runs: the renderer and the browser are untrusted
// (STYLE.md rule 4). A bad argument rejects with FERRY_ERR_API_INVALID_ARGUMENT and a message naming it.

import { isAbsolute } from 'node:path'
import { ApiError, apiErrorCodes, type CreateShareRequest, type OfferDecisionDto, type Settings, type Trust } from '@ferry/api'

/** Limits on arguments, in the units named. */
export const argumentLimits = {
  /** Paths in one sendFiles or createShare call. */
  maxPaths: 1_000,
  /** UTF-16 units of one path. */
  maxPathLength: 4_096,
  /** UTF-8 bytes of a text message (the protocol's maxTextBytes). */
  maxTextBytes: 64 * 1024,
  /** Characters of what the user typed into "Add device". */
  maxAddressLength: 512,
  /** Characters of an offer, transfer or share id. */
  maxIdLength: 128,
  /** File ids in one answer. */
  maxFileIds: 100_000,
  /** Characters of a share name and of the alias. */
  maxNameLength: 64,
  /** Longest share lifetime: 30 days. */
  maxShareMs: 30 * 24 * 60 * 60_000
} as const

const PEER_ID = /^[1-9A-HJ-NP-Za-km-z]{40,100}$/
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

const settingKeys = ['alias', 'downloadDir', 'autoAcceptTrusted', 'port', 'filesInFlight', 'followLinks'] as const

export function isValidSettings (s: Record<string, unknown>): boolean {
  return typeof s.alias === 'string' && s.alias.trim() !== '' && s.alias.length <= argumentLimits.maxNameLength &&
    typeof s.downloadDir === 'string' && s.downloadDir.length <= argumentLimits.maxPathLength && isAbsolute(s.downloadDir) && !s.downloadDir.includes('\0') &&
    typeof s.autoAcceptTrusted === 'boolean' && typeof s.followLinks === 'boolean' &&
    Number.isInteger(s.port) && (s.port as number) >= 0 && (s.port as number) <= 65535 &&
    Number.isInteger(s.filesInFlight) && (s.filesInFlight as number) >= 1 && (s.filesInFlight as number) <= 64
}

/** A patch whose every field is known and whose result, applied to `current`, is valid settings. */
export function checkSettingsPatch (value: unknown, current: Settings): Partial<Settings> {
  if (!isRecord(value)) throw invalid('patch must be an object')
  onlyKeys(value, settingKeys, 'patch')
  const patch = { ...value } as Record<string, unknown>
  if (typeof patch.alias === 'string') patch.alias = patch.alias.trim()
  if (!isValidSettings({ ...current, ...patch })) throw invalid('A setting is out of range')
  return patch as Partial<Settings>
}
