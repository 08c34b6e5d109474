// A sender killed mid-transfer and started again sends the same files at once, on a new connection; this side
// still runs the old transfer until QUIC notices the dead connection (its idle timeout), and that transfer holds the
// partials the new one would resume (two transfers never share one). Before planning, an accepted transfer looks at
// the partials it would resume: one held by another transfer of the same sender whose connection has gone silent
// (the session policy's `staleSessionMs`) makes that transfer give way, as a lost connection: its partials are kept
// and released, and this transfer resumes them. A holder that still moves bytes is alive (the same file sent twice
// at once): after waiting that long, this transfer takes fresh partials of its own, as before.

import { setTimeout as delay } from 'node:timers/promises'
import type { ClaimHolder, PartialClaims } from './partial-names.ts'

/** How often a held partial's holder is looked at while waiting, in ms. */
const LOOK_EVERY_MS = 50

export interface HeldPartialsInit {
  claims: PartialClaims
  /** Claim keys of the partials this transfer would resume. */
  keys: readonly string[]
  /** The sender of this transfer: only its own transfers are made to give way. */
  peerId: string
  /** This transfer's own holder (never made to give way). */
  self?: ClaimHolder
  /** How long a live holder is waited for before this transfer goes on without its partials, in ms. */
  waitMs: number
  /** How long a holder that gave way may take to keep its partials (its writes landing), in ms. */
  settleMs: number
  signal: AbortSignal
}

/** Resolves once the partials held by a silent transfer of the same sender are free, or when waiting is pointless. */
export async function takeBackHeldPartials (init: HeldPartialsInit): Promise<void> {
  const { claims, signal } = init
  let held = heldByOthers(init)
  if (held.size === 0) return
  const gaveWay = new Set<ClaimHolder>()
  const until = performance.now() + init.waitMs
  while (held.size > 0 && performance.now() < until) {
    for (const holder of held.keys()) {
      if (gaveWay.has(holder) || !holder.stale()) continue
      gaveWay.add(holder)
      holder.giveWay()
    }
    if ([...held.keys()].every((holder) => gaveWay.has(holder)) || !await pause(LOOK_EVERY_MS, signal)) break
    held = heldByOthers(init)
  }
  const freed = [...held].filter(([holder]) => gaveWay.has(holder)).flatMap(([, keys]) => keys)
  if (freed.length === 0 || signal.aborted) return
  const done = new AbortController()
  try {
    await Promise.race([
      Promise.all(freed.map(async (key) => { await claims.released(key) })),
      pause(init.settleMs, AbortSignal.any([signal, done.signal]))
    ])
  } finally {
    done.abort()
  }
}

/** Waits `ms`; false (at once) when `signal` aborts: the transfer ended, and its own end says how. */
async function pause (ms: number, signal: AbortSignal): Promise<boolean> {
  return await delay(ms, true, { signal }).catch(() => false)
}

/** The keys still held, by holder: transfers of the same sender other than this one. */
function heldByOthers ({ claims, keys, peerId, self }: HeldPartialsInit): Map<ClaimHolder, string[]> {
  const held = new Map<ClaimHolder, string[]>()
  for (const key of keys) {
    const holder = claims.holderOf(key)
    if (holder === undefined || holder === self || holder.peerId !== peerId) continue
    held.set(holder, [...(held.get(holder) ?? []), key])
  }
  return held
}
