// `ferry send PATH... --to TARGET`: offer files, folders and/or a text, show progress, and exit non-zero with a
// clear message when the transfer does not end verified. TARGET is HOST:PORT[/DEVICE_ID], a ferry:// link, or a
// device's alias, short code or id as discovery finds it; the device reached is remembered for next time.
// Inside a sent folder links are not followed (--follow-links follows those to files and folders); whatever is
// left out is listed with its reason before anything is sent.

import { UnreachableError, formatHostPort, reachAny, type FerryNode, type SendResult, type SourceListing } from '@ferry/p2p-core'
import type { TrustStore } from '@ferry/app-service/peers'
import { count, amountInTime } from '../human-units.ts'
import { formatBytes, printable, type Output } from '../output.ts'
import { resolvePeer } from '../resolve-peer.ts'
import { WHY_SKIPPED } from '../skip-reasons.ts'

export interface SendOptions {
  to: string
  text?: string
  /** Look for TARGET over mDNS too (remembered devices are always probed). */
  mdns: boolean
  /** How long to look for a TARGET given by name, in ms. */
  discoverTimeoutMs: number
  /** Follow links inside sent folders to regular files and folders. */
  followLinks: boolean
}

/** Skipped entries shown on a terminal; --json lists all that the walker kept. */
const SHOWN_SKIPS = 50

/** Says what the walk left out: one JSON event, and for people one line each (up to SHOWN_SKIPS). */
function reportSkipped (listing: SourceListing, out: Output, followLinks: boolean): void {
  if (listing.skippedCount === 0) return
  out.event({
    type: 'skipped',
    count: listing.skippedCount,
    entries: listing.skipped.map((s) => ({ path: s.path, localPath: s.absolutePath, reason: s.reason, ...(s.detail === undefined ? {} : { detail: s.detail }) }))
  })
  const why = followLinks ? '' : ' (links inside folders are not followed; --follow-links follows those to files and folders)'
  out.say(`Not sending ${listing.skippedCount} entr${listing.skippedCount === 1 ? 'y' : 'ies'}${why}:`)
  for (const s of listing.skipped.slice(0, SHOWN_SKIPS)) {
    out.say(`  ${printable(s.path)}: ${WHY_SKIPPED[s.reason]}${s.detail === undefined ? '' : ` (${printable(s.detail)})`}`)
  }
  if (listing.skippedCount > SHOWN_SKIPS) out.say(`  ... and ${listing.skippedCount - SHOWN_SKIPS} more`)
}

export async function send (node: FerryNode, paths: string[], options: SendOptions, out: Output, store: TrustStore): Promise<number> {
  const controller = new AbortController()
  const onSigint = (): void => { controller.abort() }
  process.once('SIGINT', onSigint)
  const bar = out.progress('')
  try {
    const target = await resolvePeer(options.to, { node, store, mdns: options.mdns, timeoutMs: options.discoverTimeoutMs, signal: controller.signal })
    if (target.addresses.length === 0) throw new UnreachableError(`"${options.to}" was found, but at no address this device can reach`)
    // Each attempt (and reconnect) walks the paths again; what was left out is said once.
    let reported = false
    // A device seen at several addresses may be reachable at only some of them: each is tried in turn.
    const { value: result, address } = await reachAny(target.addresses, async (address) => {
      const where = `${target.alias === undefined ? '' : `"${printable(target.alias)}" at `}${formatHostPort(address)}`
      return await node.send({
        address,
        peerId: target.peerId,
        paths,
        followLinks: options.followLinks,
        onListed: (listing) => {
          if (!reported) reportSkipped(listing, out, options.followLinks)
          reported = true
        },
        text: options.text,
        signal: controller.signal,
        onProgress: (p) => { bar.update(p) },
        // Said once the device answered and has the whole offer, not before.
        onOffered: () => { out.say(`Waiting for ${where} to accept...`) },
        onReconnect: (e) => {
          out.event({ type: 'reconnecting', attempt: e.attempt, of: e.of, delayMs: e.delayMs, code: e.error.code, message: e.error.message })
          out.say(`\nConnection lost (${printable(e.error.message)}); reconnecting in ${(e.delayMs / 1000).toFixed(1)} s, attempt ${e.attempt} of ${e.of}...`)
        }
      })
    }, controller.signal)
    await store.touch(result.peerId, { address: formatHostPort(address), ...(target.alias === undefined ? {} : { alias: target.alias }) }).catch(() => {})
    bar.stop()
    out.event({ type: 'done', transferId: result.transferId, peerId: result.peerId, files: result.files, bytes: result.bytesSent, bytesResumed: result.bytesResumed, seconds: result.seconds, transferSeconds: result.transferSeconds })
    out.say(sentLine(result, options.text !== undefined))
    return 0
  } catch (err) {
    bar.stop()
    out.fail(err)
    return controller.signal.aborted ? 130 : 1
  } finally {
    process.off('SIGINT', onSigint)
  }
}

/** The last line of a send: what arrived, how big, how long the bytes took from the accept (and how fast). */
export function sentLine (result: Pick<SendResult, 'files' | 'bytesSent' | 'bytesResumed' | 'transferSeconds'>, withText: boolean): string {
  if (result.files === 0) return 'Sent the text, delivered to the receiver'
  return `Sent ${count(result.files, 'file')}${withText ? ' and the text' : ''}, ${amountInTime(result.bytesSent, result.transferSeconds)}, verified by the receiver` +
    (result.bytesResumed > 0 ? `; resumed, ${formatBytes(result.bytesResumed)} were already there` : '')
}
