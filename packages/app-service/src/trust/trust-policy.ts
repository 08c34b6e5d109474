// What the CLI decides about a device (STYLE.md rule 6: the core asks, the app decides). A device is trusted,
// known (met before) or new. A device that uses the alias of another device we know, under another id, gets an
// identity-change warning: it may be a different machine pretending, so it is never accepted without asking, and
// never chosen when the user names a device by that alias. Only a device met earlier (or trusted) can be pretended
// to be: the one met first keeps its alias. Aliases compare by what a person sees (aliasKey: a
// Unicode TS #39 skeleton), so `nаs` with a Cyrillic а, `ｎａｓ` or `NAS` is the `nas` you know, for this purpose.

import { aliasKey } from '@ferry/p2p-core'
import type { DeviceRecord, TrustStore } from './trust-store.ts'

export type TrustState = 'trusted' | 'known' | 'new'

export interface IdentityChange {
  /** The alias the newcomer uses. */
  alias: string
  /** The devices we know under that alias or one that looks like it (each with the alias we know it by). */
  known: Array<{ peerId: string, shortCode: string, trusted: boolean, alias: string }>
}

export interface TrustView {
  state: TrustState
  record?: DeviceRecord
  identityChanged?: IdentityChange
}

/** How `peer` stands with us, from the store. */
export function viewPeer (store: Pick<TrustStore, 'get' | 'list'>, peer: { peerId: string, alias?: string }): TrustView {
  const record = store.get(peer.peerId)
  const state: TrustState = record === undefined ? 'new' : record.trusted ? 'trusted' : 'known'
  const plain: TrustView = { state, ...(record === undefined ? {} : { record }) }
  if (state === 'trusted' || peer.alias === undefined) return plain
  // Only another device with an alias can be looked like: with none (a first run), no alias is compared at all.
  const named = store.list().filter((d) => d.peerId !== peer.peerId && d.alias !== undefined)
  if (named.length === 0) return plain
  const key = aliasKey(peer.alias)
  if (key === '') return plain
  // A device can only look like one met before it (or one the user trusts): a newcomer that took the alias of a
  // device known longer is flagged, and being remembered under that alias must not make the older device suspect.
  const metBefore = (d: DeviceRecord): boolean => record === undefined || d.trusted || !(Date.parse(d.firstSeen) > Date.parse(record.firstSeen))
  const others = named.filter((d) => aliasKey(d.alias ?? '') === key && metBefore(d))
  return {
    ...plain,
    ...(others.length === 0 ? {} : { identityChanged: { alias: peer.alias, known: others.map((d) => ({ peerId: d.peerId, shortCode: d.shortCode, trusted: d.trusted, alias: d.alias ?? '' })) } })
  }
}

/** What the policy knows about an offer and its sender. */
export interface OfferFacts {
  /** The user trusts the sending device. */
  trusted: boolean
  /** Where a trusted device's offers go without asking; undefined when they are not auto-accepted. */
  autoAcceptDir?: string
  /** The sender reuses the alias of another device we know (TrustView.identityChanged). */
  identityChanged: boolean
  /** How many offered paths create or enter a hidden folder, or are hidden files (countHiddenPaths). */
  hiddenPaths: number
}

/** How the app answers: `yes` accepts what is not flagged (`ferry receive --yes`); `interactive` a person can be asked. */
export interface OfferRules {
  yes: boolean
  interactive: boolean
  dir: string
}

export type OfferRisk = 'identity-changed' | 'hidden-paths'

export type OfferPolicyDecision =
  | { action: 'accept', dir: string, why: 'auto-accept' | 'yes' }
  | { action: 'ask', risk?: OfferRisk }
  | { action: 'decline', why: OfferRisk }

/**
 * The one offer policy of every app (the CLI's receive and share, and FerryService). An offer is accepted without
 * asking only from a trusted device with an auto-accept folder, or with `--yes`; never when it is flagged: a device
 * with an identity-change warning, or paths that create or enter hidden folders (`.ssh/authorized_keys` saved into
 * a home folder would land in the real `~/.ssh`, since a received folder merges into an existing one). A flagged
 * offer is asked about where a person can answer, and declined otherwise.
 */
export function decideOffer (facts: OfferFacts, rules: OfferRules): OfferPolicyDecision {
  const risk: OfferRisk | undefined = facts.identityChanged ? 'identity-changed' : facts.hiddenPaths > 0 ? 'hidden-paths' : undefined
  if (risk !== undefined) return rules.interactive ? { action: 'ask', risk } : { action: 'decline', why: risk }
  if (facts.trusted && facts.autoAcceptDir !== undefined) return { action: 'accept', dir: facts.autoAcceptDir, why: 'auto-accept' }
  if (rules.yes) return { action: 'accept', dir: rules.dir, why: 'yes' }
  return { action: 'ask' }
}

/** How a peer's own string is put on a screen: the CLI escapes control and invisible characters (its printable()). */
export type Show = (text: string) => string

/** The facts of an offer from a device the CLI's trust store knows (or not). */
export function offerFacts (view: TrustView, files: ReadonlyArray<{ path: string }>): OfferFacts {
  return {
    trusted: view.state === 'trusted',
    ...(view.state === 'trusted' && view.record?.autoAcceptDir !== undefined ? { autoAcceptDir: view.record.autoAcceptDir } : {}),
    identityChanged: view.identityChanged !== undefined,
    hiddenPaths: countHiddenPaths(files)
  }
}

/** Whether a relative POSIX path creates or enters a hidden folder, or is a hidden file: any part starting with a dot. */
export function isHiddenPath (path: string): boolean {
  return path.split('/').some((part) => part.startsWith('.'))
}

export function countHiddenPaths (files: ReadonlyArray<{ path: string }>): number {
  return files.reduce((n, file) => isHiddenPath(file.path) ? n + 1 : n, 0)
}

/** The warning line for an offer with hidden paths, or undefined. */
export function hiddenPathsWarning (files: ReadonlyArray<{ path: string }>, show: Show): string | undefined {
  const hidden = files.filter((file) => isHiddenPath(file.path))
  if (hidden.length === 0) return undefined
  const examples = hidden.slice(0, 3).map((file) => show(file.path)).join(', ')
  return `WARNING: ${hidden.length === 1 ? 'a path creates or enters' : `${hidden.length} paths create or enter`} a hidden folder or file (${examples}${hidden.length > 3 ? ', ...' : ''}). ` +
    'Saved into a home folder they can change how programs behave (.ssh, .config): this offer is never accepted without asking.'
}

/** One line for people: `"laptop" [K7Q2-9MXD], trusted`. */
export function describePeer (peer: { alias?: string, shortCode: string }, view: TrustView, show: Show): string {
  const name = peer.alias === undefined ? 'unknown device' : `"${show(peer.alias)}"`
  const state = view.state === 'new' ? 'first contact, not trusted' : view.state === 'known' ? 'known, not trusted' : 'trusted'
  return `${name} [${peer.shortCode}], ${state}`
}

/** The warning for an identity change, or undefined. */
export function identityWarning (view: TrustView, peer: { shortCode: string }, show: Show): string | undefined {
  const change = view.identityChanged
  if (change === undefined) return undefined
  const known = change.known.map((k) => `"${show(k.alias)}" [${k.shortCode}${k.trusted ? ', trusted' : ''}]`).join(', ')
  return `WARNING: this device calls itself "${show(change.alias)}", which looks like ${known}, a device you know; ` +
    `this one has the code ${peer.shortCode}. It is a different device, not trusted. Check the code on its screen before accepting anything.`
}
