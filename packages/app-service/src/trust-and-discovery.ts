// @ferry/app-service/peers: trust, trust policy and discovery without the rest of the app layer. A `ferry send` or
// `ferry receive` needs these and the engine only; importing the whole app layer (share server, WebSocket bridge,
// FerryService) cost each such process about 25 MB of memory and a tenth of a second before its first byte.

export { TrustStore, DEVICES_FILE, MAX_DEVICES, type DeviceRecord, type RecordChange } from './trust/trust-store.ts'
export {
  countHiddenPaths, decideOffer, describePeer, hiddenPathsWarning, identityWarning, isHiddenPath, offerFacts, viewPeer, type IdentityChange,
  type OfferFacts, type OfferPolicyDecision, type OfferRisk, type OfferRules, type Show, type TrustState, type TrustView
} from './trust/trust-policy.ts'
export { writeFileAtomic, sweepStaleTemps } from './trust/atomic-file.ts'
export {
  interfaceFilterFor, isLoopbackHost, knownPeers, mdnsEnabled, parseHostPort, startDiscovery, type AppDiscoveryOptions
} from './discovery.ts'
// Light enough for `ferry share` too.
export { readingSources, sourceError } from './source-errors.ts'
