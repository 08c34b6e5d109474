// What the CLI decides about a device (STYLE.md rule 6: the core asks, the app decides). A device is trusted,
// known (met before) or new. A device that uses the alias of another device we know, under another id, gets an
// identity-change warning: it may be a different machine pretending, so it is never accepted without asking, and
// never chosen when the user names a device by that alias. Aliases compare by what a person sees (aliasKey: a
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
  if (state === 'trusted' || peer.alias === undefined || aliasKey(peer.alias) === '') return { state, ...(record === undefined ? {} : { record }) }
  const key = aliasKey(peer.alias)
  const others = store.list().filter((d) => d.peerId !== peer.peerId && d.alias !== undefined && aliasKey(d.alias) === key)
  return {
    state,
    ...(record === undefined ? {} : { record }),
    ...(others.length === 0 ? {} : { identityChanged: { alias: peer.alias, known: others.map((d) => ({ peerId: d.peerId, shortCode: d.shortCode, trusted: d.trusted, alias: d.alias ?? '' })) } })
  }
}

export type OfferDecision =
  | { action: 'accept', dir: string, why: 'auto-accept' | 'yes' }
  | { action: 'ask' }
  | { action: 'decline', why: 'identity-changed' }

/**
 * A trusted device with an auto-accept folder goes straight in; `--yes` accepts the rest, except a device with an
 * identity-change warning, which is asked about on a terminal and declined otherwise.
 */
export function decideOffer (view: TrustView, settings: { yes: boolean, interactive: boolean, dir: string }): OfferDecision {
  if (view.state === 'trusted' && view.record?.autoAcceptDir !== undefined) return { action: 'accept', dir: view.record.autoAcceptDir, why: 'auto-accept' }
  if (view.identityChanged !== undefined) return settings.interactive ? { action: 'ask' } : { action: 'decline', why: 'identity-changed' }
  if (settings.yes) return { action: 'accept', dir: settings.dir, why: 'yes' }
  return { action: 'ask' }
}

/** How a peer's own string is put on a screen: the CLI escapes control and invisible characters (its printable()). */
export type Show = (text: string) => string

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
