// @ferry/localsend: Ferry speaks LocalSend protocol v2 (https://github.com/localsend/protocol, v2.1) so that every
// LocalSend phone and desktop on the network is a Ferry peer. Discovery (multicast announce and register), the
// receiving server (every byte through p2p-core's IncomingFile and destination boundary, SHA-256 verified before a
// file appears) and the sending client. Nothing here decides policy: offers go to the app, as Ferry's own do.

export * from './errors.ts'
export { defaultLocalSendLimits, resolveLocalSendLimits, type LocalSendLimits } from './limits.ts'
export {
  API_PREFIX, LOCALSEND_MULTICAST_GROUP, LOCALSEND_PORT, LOCALSEND_VERSION, ROUTES, localSendDeviceTypes,
  type DeviceInfo, type FileDto, type LocalInfo, type LocalSendDeviceType
} from './protocol.ts'
export {
  CERT_VALIDITY_DAYS, LOCALSEND_CERT_FILE, LOCALSEND_KEY_FILE, fingerprintOf, generateLocalSendIdentity,
  loadOrCreateLocalSendIdentity, type LocalSendIdentity
} from './identity.ts'
export {
  LocalSendServer, ferryDeviceType, localSendPeerId, type LocalSendDevice, type LocalSendServerInit
} from './server.ts'
export { MAX_UPLOAD_ATTEMPTS, type LocalSendOffer, type LocalSendSender } from './receive-session.ts'
export { LocalSendClient, errorForStatus, type LocalSendClientInit, type LocalSendSendRequest, type LocalSendSendResult } from './client.ts'
export type { LocalSendTarget } from './connection.ts'
export {
  ANNOUNCE_DELAYS_MS, LocalSendDiscovery, suitableInterfaces, type LocalSendDiscoveryInit, type SeenDevice
} from './discovery.ts'
export { parseLocalSendTarget } from './target.ts'
