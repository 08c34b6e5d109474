// @ferry/p2p-core: Ferry's engine. Identity, QUIC transport, the transfer protocol v1, sender and receiver,
// discovery (mDNS, typed addresses, known devices) and PIN pairing.
// Apps build one FerryNode in their composition root and drive it; nothing here decides policy.

export { FerryNode, type FerryNodeInit, type FerryNodeEvents } from './engine/ferry-node.ts'
export * from './errors.ts'
export { defaultLimits, resolveLimits, type FerryLimits } from './limits.ts'
export { silentLogger, type Logger } from './logger.ts'
export { IDENTITY_FILE, generateIdentity, identityFromKey, loadOrCreateIdentity, shortCodeFor, type Identity } from './identity/identity.ts'
export { PROTOCOL_ID, deviceTypes, type DeviceType } from './protocol/messages.ts'
export { sanitizeRelativePath } from './protocol/paths.ts'
export type { FerryConnection, FerryListener, FerryStream, PeerAddress, Transport } from './transport/types.ts'
export { createQuicTransport } from './transport/quic-transport.ts'
export type { Continuation, IncomingOffer, OfferDecision, OfferedFileInfo, ReceiveResult, RemotePeer, SavedFile } from './transfer/incoming-offer.ts'
export type { ReconnectEvent, SendRequest, SendResult } from './transfer/send-request.ts'
export {
  MAX_LISTED_SKIPS, collectSourceFiles, openSource, type SkipReason, type SkippedEntry, type SourceFile, type SourceListing, type SourceOptions
} from './transfer/source-files.ts'
export { backoffDelay } from './engine/reconnect.ts'
export type { TransferProgress } from './transfer/progress.ts'
export { MAX_FILES_PER_REPORT, type FileProgress } from './transfer/file-progress.ts'
export { PARTIAL_PREFIX, PARTIAL_SUFFIX, SIDECAR_SUFFIX, PartialClaims, PartialNames, partialNamesFor, sidecarOf } from './receive/partial-names.ts'
export { ferryLink, formatHostPort, formatPeerTarget, parsePeerTarget } from './engine/peer-target.ts'
export { reachAny, type Reached } from './engine/reach.ts'
export { settleWithin, sleep, withTimeout } from './async/deadline.ts'
export { LOOPBACK_HOST, defaultRouteInterface, isWildcardHost, reachableHosts, type ReachableHostsOptions } from './transport/lan-hosts.ts'
export type { PeerTarget } from './engine/peer-target.ts'
export type { PingRequest, PingResult } from './engine/ping.ts'
export type { PairRequest, PairResult } from './pairing/pair-with.ts'
export { PIN_PATTERN, generatePin } from './pairing/pin-exchange.ts'
export {
  Discovery, defaultDiscoveryOptions, resolveDiscoveryOptions, type DiscoveryInit, type DiscoveryOptions, type KnownPeer
} from './discovery/discovery.ts'
export { aliasKey } from './discovery/alias-key.ts'
export {
  matchPeer, normalizeShortCode, type DiscoveredPeer, type DiscoverySource, type PeerDirectoryEvents
} from './discovery/peer-directory.ts'
export type { SuitableInterface } from './discovery/interfaces.ts'
export { HashPool, createInlineHasher, type Hasher, type HashPoolOptions } from './hash/hash-pool.ts'
export { Destination, ANCHORED_PATHS, type Folder } from './receive/destination.ts'
export { IncomingFile, numbered, type IncomingFileInit, type IncomingFileState } from './receive/incoming-file.ts'
export { ReceiveLife, type ReceiveState, type TerminalState } from './receive/receive-life.ts'
export { checkFreeSpace } from './receive/free-space.ts'
export { OfferedPaths } from './protocol/paths.ts'
export { ProgressMeter } from './transfer/progress.ts'
