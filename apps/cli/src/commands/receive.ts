// `ferry receive`: listen, announce this device on the LAN (mDNS), show who we are and where, then for each offer
// show who offers (alias, short code, trust) and decide: trusted devices with an auto-accept folder go straight in,
// --yes accepts the rest, otherwise ask (y / n / t = trust and accept). A device that reuses a known alias under
// another id is flagged and never accepted without asking. With --pair it shows a PIN for `ferry pair`.

import { resolve } from 'node:path'
import {
  ConnectionLostError, ferryLink, formatPeerTarget, generatePin, reachableHosts, settleWithin, TimeoutError, type FerryNode, type IncomingOffer,
  type TransferProgress
} from '@ferry/p2p-core'
import {
  startDiscovery, decideOffer, describePeer, hiddenPathsWarning, identityWarning, offerFacts, viewPeer, type TrustView, type TrustStore
} from '@ferry/app-service/peers'
import type { LocalSendIdentity } from '@ferry/localsend'
import { amountInTime, count } from '../human-units.ts'
import { formatBytes, peerLabel, printable, type Output } from '../output.ts'
import { askLine } from '../prompt.ts'

export interface ReceiveOptions {
  dir: string
  yes: boolean
  once: boolean
  /** Announce this device over mDNS. */
  mdns: boolean
  /** Show a pairing PIN. */
  pair: boolean
  /** Take files from LocalSend devices too (a server beside the engine; with `discovery`, its multicast announce). */
  localsend?: { port: number, protocol: 'http' | 'https', pin?: string, discovery: boolean, identity?: Promise<LocalSendIdentity> }
  /** With `once`: how long an interrupted transfer waits for its sender to come back, in ms (ONCE_RECONNECT_WAIT_MS). */
  reconnectWaitMs?: number
}

/**
 * With --once, how long an interrupted transfer waits for its sender to reconnect before the command ends, in ms:
 * more than a sender's whole reconnect budget (p2p-core's reconnectAttempts with their backoff and dial timeouts).
 */
export const ONCE_RECONNECT_WAIT_MS = 120_000

/** Resolves with the exit code once --once is satisfied or the process is asked to stop. */
export async function receive (node: FerryNode, options: ReceiveOptions, out: Output, store: TrustStore): Promise<number> {
  const dir = resolve(options.dir)
  // Offers are taken from the first moment: the engine is already listening, and an offer with no handler would be
  // declined (with --yes, one sent right after the "listening" line was, while LocalSend was still starting).
  /** Questions on the terminal and transfers under way; Ctrl-C is theirs to handle while there are any. */
  let busy = 0
  const bars = new ProgressBars(out)
  let done!: (code: number) => void
  const finished = new Promise<number>((resolve) => { done = resolve })
  let questions: Promise<unknown> = Promise.resolve()
  let awaitingReconnect: NodeJS.Timeout | undefined
  /**
   * With --once: the one transfer this process takes, the first it accepts (its reconnects continue it; any other
   * offer is declined). An offer declined before it (by policy or by the user) is reported and the receiver keeps
   * waiting: any device on the network can make an offer that is declined, and that must not end the wait.
   */
  let theOne: string | undefined
  /**
   * With --once: who sent the one transfer and what (path, size, mtime of each file) and text. Until it ends, the
   * same device offering the same files again under a new id is that sender started anew (killed mid-file, say):
   * it continues the one transfer and resumes its partials, where a reconnect would come back under the old id.
   */
  let theOneSend: string | undefined
  /** With --once: whether a run of the one transfer ended for good (the process is ending). */
  let over = false
  /** With --once: accepted runs of the one transfer under way (its sender may come back before this side saw the cut). */
  let runs = 0
  const onOffer = (offer: IncomingOffer): void => {
    /** With --once, whether another transfer is already the one this process takes. */
    const taken = (): boolean => options.once && theOne !== undefined && theOne !== offer.transferId && (over || theOneSend !== sendOf(offer))
    const declineAsTaken = (): Choice => {
      void offer.respond({ accept: false }).catch(() => {})
      out.event({ type: 'declined', transferId: offer.transferId, reason: 'once' })
      out.say(`\nDeclined an offer from ${peerLabel(offer.from)}: this receiver takes one transfer (--once), and has one.`)
      return { accept: false }
    }
    if (taken()) {
      declineAsTaken()
      return
    }
    busy++
    // One question at a time on the terminal; accepted transfers then run side by side, so a slow or stalled
    // sender never keeps another device's offer waiting. With --once, an offer whose turn comes after another
    // was accepted is declined without a question.
    const inTurn = async (ask: () => Promise<Choice>): Promise<Choice> => {
      const turn = questions.then(async () => taken() ? declineAsTaken() : await ask())
      questions = turn.catch(() => {})
      return await turn
    }
    const decided = decide(offer, dir, options, out, store, inTurn)
    void decided.then(async (choice) => {
      // Declined (and reported): --once keeps waiting for a transfer this device accepts.
      if (!choice.accept) return
      if (!options.once) {
        await accept(offer, choice.dir, out, bars, choice.files)
        return
      }
      // Accepted by --yes while another offer decided at the same moment became the one.
      if (taken()) {
        declineAsTaken()
        return
      }
      theOne = offer.transferId
      theOneSend = sendOf(offer)
      // The one transfer is back (continued, or offered again after its files changed): no longer waiting for it.
      clearTimeout(awaitingReconnect)
      runs++
      try {
        // The process ends when the engine has closed the session (our last frame delivered), not merely when the
        // transfer's result is known: closing the engine earlier could cut that frame off.
        const ended = 'localsend' in offer ? Promise.resolve() : sessionEnd(node, offer.transferId)
        const { code, interrupted } = await accept(offer, choice.dir, out, bars, choice.files)
        await ended
        // A run that ended for good (done or failed) ends --once, whatever older runs are still noticing their
        // cut. An interrupted one waits for its sender to come back, unless another run is already under way.
        // A run cut after that (the process closing a killed sender's connection) has nothing left to wait for.
        if (!interrupted) {
          over = true
          done(code)
        } else if (runs === 1 && !over) awaitingReconnect = setTimeout(() => { if (runs === 0) done(code) }, options.reconnectWaitMs ?? ONCE_RECONNECT_WAIT_MS)
      } finally {
        runs--
      }
    }).catch((err: unknown) => { out.fail(err) }).finally(() => { busy-- })
  }
  node.on('offer', onOffer)
  // Stopping says goodbye over mDNS, so other devices drop this one at once. Ctrl-C during a transfer is the
  // transfer's to handle (it cancels it).
  const onSigterm = (): void => { done(143) }
  const onSigint = (): void => { if (busy === 0) done(130) }
  process.once('SIGTERM', onSigterm)
  process.on('SIGINT', onSigint)

  let localsend: Awaited<ReturnType<typeof import('../localsend.ts')['startLocalSend']>> | undefined
  let discovery: ReturnType<typeof startDiscovery> | undefined
  try {
    const { port } = node.address
    // 127.0.0.1 first, for use on this computer; then every LAN address.
    const targets = reachableHosts(node.address.host, { withLoopback: true }).map((host) => formatPeerTarget({ address: { host, port }, peerId: node.peerId }))
    // The ferry:// link is what a QR code or a pasted link carries: the first LAN address, not loopback.
    const linkHost = reachableHosts(node.address.host)[0] ?? '127.0.0.1'
    const link = ferryLink({ address: { host: linkHost, port }, peerId: node.peerId })
    out.event({ type: 'listening', peerId: node.peerId, shortCode: node.shortCode, host: node.address.host, port, address: targets[0] ?? '', addresses: targets, link })
    out.say(`Ferry device ${node.alias}, code ${node.shortCode}`)
    out.say(`Device id ${node.peerId}`)
    out.say(`Saving into ${dir}`)
    out.say('Send to this device with:')
    for (const target of targets) out.say(`  ferry send FILE... --to ${target}`)
    discovery = options.mdns ? startDiscovery(node, store, { advertise: true, browse: false, probeKnown: false }) : undefined
    if (discovery !== undefined) out.say(`  ferry send FILE... --to "${node.alias}"   (found over mDNS on this network)`)
    out.say(`Link for another device (paste it, or show it as a QR code): ${link}`)
    if (options.pair) startPairing(node, store, out, linkHost)
    localsend = options.localsend === undefined
      ? undefined
      : await (await import('../localsend.ts')).startLocalSend({ host: node.address.host, ...options.localsend, alias: node.alias, onOffer }, out)
    if (localsend !== undefined) {
      out.say(`LocalSend devices can send here too: port ${localsend.server.port} (${localsend.server.protocol}${options.localsend?.pin === undefined ? '' : ', with a PIN'}). LocalSend has no resume and checks files with SHA-256, not BLAKE3.`)
    }
    return await finished
  } finally {
    process.off('SIGTERM', onSigterm)
    process.off('SIGINT', onSigint)
    await localsend?.close()
    await discovery?.close()
    await store.settled()
  }
}

/** Who offers which files (path, size, mtime) and text: the same send, whatever its transfer id. */
function sendOf (offer: IncomingOffer): string {
  return JSON.stringify([offer.from.peerId, offer.text ?? null, offer.files.map((f) => [f.path, f.size, f.mtimeMs])])
}

/** How long --once waits for the engine to close a transfer's session after its result is known, in ms. */
const SESSION_END_WAIT_MS = 5_000

/** Resolves when the engine reports the end of this transfer's session, or after SESSION_END_WAIT_MS at most. */
async function sessionEnd (node: FerryNode, transferId: string): Promise<void> {
  let onEnd = (_event: { transferId: string }): void => {}
  const ended = new Promise<void>((resolve) => { onEnd = (event) => { if (event.transferId === transferId) resolve() } })
  node.on('transfer-end', onEnd)
  await settleWithin(ended, SESSION_END_WAIT_MS)
  node.off('transfer-end', onEnd)
}

function startPairing (node: FerryNode, store: TrustStore, out: Output, host: string): void {
  const pin = generatePin()
  node.setPairingPin(pin)
  out.event({ type: 'pairing', pin })
  out.say(`\nPairing PIN: ${pin}   (on the other device: ferry pair --to ${formatPeerTarget({ address: { host, port: node.address.port }, peerId: node.peerId })} --pin ${pin})`)
  node.on('paired', ({ peer }) => {
    // One device per PIN: a second pairing needs a new PIN (run receive --pair again).
    node.setPairingPin(undefined)
    void (async () => {
      await store.update(peer.peerId, (record) => {
        const now = new Date().toISOString()
        return {
          ...(record ?? { peerId: peer.peerId, shortCode: peer.shortCode, addresses: [], firstSeen: now }),
          ...(peer.alias === undefined ? {} : { alias: peer.alias }),
          trusted: true,
          lastSeen: now,
          pairedAt: now
        }
      })
      out.event({ type: 'paired', peer: { peerId: peer.peerId, shortCode: peer.shortCode, alias: peer.alias } })
      out.say(`Paired with ${peerLabel(peer)}: it is now a trusted device.`)
    })().catch((err: unknown) => { out.fail(err) })
  })
  node.on('pairing-failed', ({ peer, error }) => {
    out.event({ type: 'pairing-failed', peer: { peerId: peer.peerId, shortCode: peer.shortCode, alias: peer.alias }, code: error.code, message: error.message })
    out.say(`Pairing attempt from ${peerLabel(peer)} failed: ${printable(error.message)}`)
  })
}

const declineReasons = {
  'identity-changed': 'a different device under a known name is never accepted without asking.',
  'hidden-paths': 'an offer with hidden folders or files is never accepted without asking.'
} as const

interface OfferOutcome {
  code: number
  /** Accepted, then lost or gone silent: its sender may reconnect and continue it. */
  interrupted: boolean
}

/** What was decided about an offer: declined (and answered already), or accepted into a folder. */
type Choice = { accept: false } | { accept: true, dir: string, files?: readonly number[] }

/**
 * Shows the offer and decides it (asking on the terminal when the policy says so); a declined offer is answered here.
 * Only an offer that needs a question waits for its turn (`inTurn`: one question at a time); one the policy decides
 * (a trusted device's auto-accept, --yes, a flagged offer without a terminal) is decided at once, never behind a
 * question nobody answers yet. The transfer itself runs afterwards, outside the queue of questions.
 */
async function decide (offer: IncomingOffer, defaultDir: string, options: ReceiveOptions, out: Output, store: TrustStore,
  inTurn: (ask: () => Promise<Choice>) => Promise<Choice>): Promise<Choice> {
  if (offer.withdrawn.aborted || offer.continues !== undefined) return await decideNow(offer, defaultDir, options, out, store)
  const policy = decideOffer(offerFacts(viewPeer(store, offer.from), offer.files), { yes: options.yes, interactive: process.stdin.isTTY === true, dir: defaultDir })
  if (policy.action !== 'ask') return await decideNow(offer, defaultDir, options, out, store)
  // Decided when its turn comes: an earlier answer may have trusted this device meanwhile.
  return await inTurn(async () => await decideNow(offer, defaultDir, options, out, store))
}

async function decideNow (offer: IncomingOffer, defaultDir: string, options: ReceiveOptions, out: Output, store: TrustStore): Promise<Choice> {
  const from = offer.from
  if (offer.withdrawn.aborted) return { accept: false }
  if (offer.continues !== undefined) {
    // The sender reconnected a transfer accepted here: it goes on as decided then, into the same folder.
    out.event({ type: 'continuing', transferId: offer.transferId, from: { peerId: from.peerId, shortCode: from.shortCode, alias: from.alias }, dir: offer.continues.dir })
    out.say(`\n${peerLabel(from)} reconnected; continuing its transfer into ${offer.continues.dir}`)
    return { accept: true, dir: offer.continues.dir, files: offer.continues.fileIds }
  }
  const view = viewPeer(store, from)
  // First contact is remembered, so a later device under the same alias but another id stands out. Not awaited:
  // the decision uses the view taken above, and an fsync has no place between an offer and its answer.
  void store.touch(from.peerId, { ...(from.alias === undefined ? {} : { alias: from.alias }) }).catch((err: unknown) => { out.fail(err) })
  const warning = identityWarning(view, from, printable)
  const facts = offerFacts(view, offer.files)
  const hiddenWarning = hiddenPathsWarning(offer.files, printable)
  out.event({
    type: 'offer',
    transferId: offer.transferId,
    from: { peerId: from.peerId, shortCode: from.shortCode, alias: from.alias },
    trust: view.state,
    ...(view.identityChanged === undefined ? {} : { identityChanged: view.identityChanged }),
    ...(facts.hiddenPaths === 0 ? {} : { hiddenPaths: facts.hiddenPaths }),
    files: offer.files.length,
    totalBytes: offer.totalBytes,
    ...(offer.text === undefined ? {} : { text: offer.text })
  })
  const who = peerLabel(from)
  const viaLocalSend = 'localsend' in offer ? ' (LocalSend)' : ''
  out.say(`\n${describePeer(from, view, printable)}${viaLocalSend} offers ${offer.files.length} file(s), ${formatBytes(offer.totalBytes)}`)
  if (warning !== undefined) out.say(warning)
  if (hiddenWarning !== undefined) out.say(hiddenWarning)
  for (const file of offer.files.slice(0, 20)) out.say(`  ${printable(file.path)}  (${formatBytes(file.size)})`)
  if (offer.files.length > 20) out.say(`  ... and ${offer.files.length - 20} more`)
  if (offer.text !== undefined) out.say(`Message:\n${printable(offer.text, { lines: true })}`)

  const decision = decideOffer(facts, { yes: options.yes, interactive: process.stdin.isTTY === true, dir: defaultDir })
  let dir = defaultDir
  if (decision.action === 'accept') {
    dir = resolve(decision.dir)
    if (decision.why === 'auto-accept') out.say(`Accepted without asking (trusted device), saving into ${dir}`)
  } else {
    const answer = decision.action === 'ask' ? await ask(`Accept from ${who}? [y]es / [N]o / [t]rust this device and accept: `, offer.withdrawn, out.json) : 'no'
    if (answer === 'trust') await trust(store, offer, view, out)
    if (answer === 'no') {
      await offer.respond({ accept: false }).catch(() => {})
      out.say(decision.action === 'decline' ? `Declined: ${declineReasons[decision.why]}` : 'Declined.')
      out.event({ type: 'declined', transferId: offer.transferId, ...(decision.action === 'decline' ? { reason: decision.why } : {}) })
      return { accept: false }
    }
  }
  return { accept: true, dir }
}

async function trust (store: TrustStore, offer: IncomingOffer, view: TrustView, out: Output): Promise<void> {
  await store.update(offer.from.peerId, (record) => record === undefined ? undefined : { ...record, trusted: true })
  out.event({ type: 'trusted', peerId: offer.from.peerId, shortCode: offer.from.shortCode })
  out.say(`${peerLabel(offer.from)} is now trusted` +
    (view.identityChanged === undefined ? '.' : ', as a device of its own (the one you knew by that name stays as it was).'))
}

/**
 * Progress of the transfers under way: one terminal bar, for the oldest running transfer (several bars would fight
 * over the same line); with --json every transfer reports.
 */
class ProgressBars {
  readonly #out: Output
  #holder: string | undefined

  constructor (out: Output) {
    this.#out = out
  }

  open (transferId: string): { update: (p: TransferProgress) => void, stop: () => void } {
    if (!this.#out.json && this.#holder !== undefined) return { update () {}, stop () {} }
    this.#holder ??= transferId
    const bar = this.#out.progress(transferId)
    return {
      update: (p) => { bar.update(p) },
      stop: () => {
        bar.stop()
        if (this.#holder === transferId) this.#holder = undefined
      }
    }
  }
}

async function accept (offer: IncomingOffer, dir: string, out: Output, bars: ProgressBars, files?: readonly number[]): Promise<OfferOutcome> {
  const bar = bars.open(offer.transferId)
  const controller = new AbortController()
  const onSigint = (): void => { controller.abort() }
  process.once('SIGINT', onSigint)
  try {
    const result = await offer.respond({ accept: true, dir, ...(files === undefined ? {} : { files }), onProgress: (p) => { bar.update(p) }, signal: controller.signal })
    bar.stop()
    out.event({ type: 'received', transferId: result.transferId, dir, files: result.files.length, bytes: result.bytesReceived, bytesResumed: result.bytesResumed, seconds: result.seconds, saved: result.files.length <= 100 ? result.files : undefined })
    for (const file of result.files.slice(0, 20)) out.say(`  saved ${printable(file.savedAs)}`)
    if (result.files.length > 20) out.say(`  ... and ${result.files.length - 20} more`)
    const verified = 'localsend' in offer ? 'each checked with SHA-256 where the LocalSend sender gave one' : 'all verified (BLAKE3)'
    if (result.text !== undefined && result.files.length === 0) return { code: 0, interrupted: false }
    out.say(`Received ${count(result.files.length, 'file')}, ${amountInTime(result.bytesReceived, result.seconds)}, ${verified}` +
      (result.bytesResumed > 0 ? `, resumed after ${formatBytes(result.bytesResumed)}` : ''))
    return { code: 0, interrupted: false }
  } catch (err) {
    bar.stop()
    // Transfers run side by side: with --json the line says which one failed.
    out.fail(err, { transferId: offer.transferId })
    const interrupted = err instanceof ConnectionLostError || err instanceof TimeoutError
    if (interrupted) out.say('The partial files are kept: the sender reconnects by itself, or a resend continues from them.')
    return { code: 1, interrupted }
  } finally {
    process.off('SIGINT', onSigint)
  }
}

/** y / yes accepts, t / trust trusts and accepts, anything else (or no terminal, or a withdrawn offer) declines. */
async function ask (question: string, withdrawn: AbortSignal, json: boolean): Promise<'yes' | 'trust' | 'no'> {
  // With --json, stdout carries only JSON lines: the question goes to stderr.
  const answer = (await askLine(question, withdrawn, json ? process.stderr : process.stdout))?.trim() ?? ''
  return /^y(es)?$/i.test(answer) ? 'yes' : /^t(rust)?$/i.test(answer) ? 'trust' : 'no'
}
