// LocalSend protocol v2 as its spec (localsend/protocol, README, v2.1) writes it: defaults, routes and the message
// shapes, checked with zod. Peers are untrusted: every body is parsed here before anything else looks at it, unknown
// fields are ignored, optional ones may be null, and an unknown device type is read as "desktop" (spec section 7.1).

import * as z from 'zod'

/** The protocol version Ferry speaks (major.minor): v2 with the PIN and metadata of 2.1. */
export const LOCALSEND_VERSION = '2.1'
export const LOCALSEND_PORT = 53317
export const LOCALSEND_MULTICAST_GROUP = '224.0.0.167'
export const API_PREFIX = '/api/localsend/v2'

export const ROUTES = Object.freeze({
  info: `${API_PREFIX}/info`,
  register: `${API_PREFIX}/register`,
  prepareUpload: `${API_PREFIX}/prepare-upload`,
  upload: `${API_PREFIX}/upload`,
  cancel: `${API_PREFIX}/cancel`
})

export const localSendDeviceTypes = ['mobile', 'desktop', 'web', 'headless', 'server'] as const
export type LocalSendDeviceType = typeof localSendDeviceTypes[number]

const deviceType = z.unknown().optional().transform((value): LocalSendDeviceType | undefined => {
  if (value === null || value === undefined) return undefined
  return (localSendDeviceTypes as readonly unknown[]).includes(value) ? value as LocalSendDeviceType : 'desktop'
})
const optionalString = (max: number) => z.string().max(max).nullish().transform((v) => v ?? undefined)
const port = z.number().int().min(1).max(65535)

/** What a device says of itself: the register body, and (with `announce`) the multicast message. */
export const deviceInfoSchema = z.object({
  alias: z.string().min(1).max(256),
  version: z.string().max(16).nullish().transform((v) => v ?? '1.0'),
  deviceModel: optionalString(256),
  deviceType,
  fingerprint: z.string().min(1).max(256),
  port: port.nullish().transform((v) => v ?? undefined),
  protocol: z.enum(['http', 'https']).nullish().transform((v) => v ?? undefined),
  download: z.boolean().nullish().transform((v) => v ?? false)
})
export type DeviceInfo = z.infer<typeof deviceInfoSchema>

/** A multicast datagram: device info plus `announce` (`announcement` in protocol v1). */
export const multicastSchema = deviceInfoSchema.extend({
  announce: z.boolean().nullish(),
  announcement: z.boolean().nullish()
}).transform(({ announcement, announce, ...info }) => ({ ...info, announce: announce ?? announcement ?? false }))
export type MulticastMessage = z.infer<typeof multicastSchema>

export const fileDtoSchema = z.object({
  id: z.string().min(1).max(256),
  fileName: z.string().min(1),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  fileType: z.string().max(256).nullish().transform((v) => v ?? 'application/octet-stream'),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/).nullish().transform((v) => v?.toLowerCase() ?? undefined),
  preview: z.string().nullish().transform((v) => v ?? undefined),
  metadata: z.object({
    modified: z.string().max(64).nullish(),
    accessed: z.string().max(64).nullish()
  }).nullish()
})
export type FileDto = z.infer<typeof fileDtoSchema>

export const prepareUploadRequestSchema = z.object({
  info: deviceInfoSchema,
  files: z.record(z.string(), fileDtoSchema)
})
export type PrepareUploadRequest = z.infer<typeof prepareUploadRequestSchema>

export const prepareUploadResponseSchema = z.object({
  sessionId: z.string().min(1).max(256),
  files: z.record(z.string(), z.string().min(1).max(256))
})
export type PrepareUploadResponse = z.infer<typeof prepareUploadResponseSchema>

/** The JSON error body LocalSend servers send. */
export const errorBodySchema = z.object({ message: z.string() })

/** What this device says of itself on the wire. */
export interface LocalInfo {
  alias: string
  deviceModel?: string
  deviceType: LocalSendDeviceType
  fingerprint: string
  port: number
  protocol: 'http' | 'https'
}

export function infoBody (self: LocalInfo): Record<string, unknown> {
  return {
    alias: self.alias,
    version: LOCALSEND_VERSION,
    deviceModel: self.deviceModel ?? null,
    deviceType: self.deviceType,
    fingerprint: self.fingerprint,
    port: self.port,
    protocol: self.protocol,
    download: false
  }
}

/** A message is a single `text/plain` file whose text travels in `preview` (as LocalSend's apps send it). */
export function textMessageOf (files: readonly FileDto[]): string | undefined {
  if (files.length !== 1) return undefined
  const [file] = files as [FileDto]
  return file.fileType.startsWith('text/plain') && file.preview !== undefined ? file.preview : undefined
}
