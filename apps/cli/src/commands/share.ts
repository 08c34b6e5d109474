// `ferry share [PATH...] [--pin] [--expires 1h] [--port N] [--allow-upload]`: serve files to any browser on the
// network; with --allow-upload and no PATH, a page that only takes files.
// Prints the link for each address of this computer, the PIN and a QR code, reports downloads, asks about (or with
// --yes accepts) each upload from a browser, and serves until Ctrl-C or until the share expires; after that it keeps
// answering for --linger (10 minutes), so a visitor who opens the link is told "This share has ended" rather than
// meeting a browser error.

import { mkdtemp, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createShareServer, terminalQr, type ShareOffer, type ShareServer } from '@ferry/http-share'
import { countHiddenPaths, decideOffer, hiddenPathsWarning, readingSources } from '@ferry/app-service/peers'
import { amountInTime, count, formatDuration } from '../human-units.ts'
import { HashPool, settleWithin } from '@ferry/p2p-core'
import { formatBytes, printable, type Output } from '../output.ts'
import { startProcessStats } from '../process-stats.ts'
import { askYesNo } from '../prompt.ts'
import { runtimeFiles } from '../runtime-files.ts'
import { WHY_SKIPPED } from '../skip-reasons.ts'

/** Skipped entries shown on a terminal; --json lists all that the server kept. */
const SHOWN_SKIPS = 50

export interface ShareOptions {
  pin: boolean
  /** Lifetime of the link, in ms. */
  expires: number
  port: number
  host: string
  allowUpload: boolean
  dir: string
  yes: boolean
  name?: string
  /** How long, after expiry, the server stays up to tell visitors the share has ended, in ms. */
  linger: number
  json: boolean
}

/** Commander parser for --expires: "30m", "1h", "2d" into ms. */
export async function share (paths: string[], options: ShareOptions, out: Output): Promise<number> {
  const stats = startProcessStats()
  let server: ShareServer | undefined
  const { hashWorkerUrl, sharePageDir } = runtimeFiles()
  // The bundle's BLAKE3 worker is a file of its own, so the server is handed a pool that starts it.
  const hashPool = hashWorkerUrl === undefined ? undefined : new HashPool({ workerUrl: hashWorkerUrl })
  // An upload-only share (--allow-upload without paths) lists an empty folder of its own: the share server lists
  // at least one path.
  let uploadOnly: string | undefined
  try {
    const running = await createShareServer({
      host: options.host, port: options.port, ...(hashPool === undefined ? {} : { hashPool }), ...(sharePageDir === undefined ? {} : { pageDir: sharePageDir })
    })
    server = running
    if (paths.length === 0) uploadOnly = await mkdtemp(join(tmpdir(), 'ferry-upload-only-'))
    const name = options.name ?? (uploadOnly === undefined ? undefined : `Send files to ${hostname()}`)
    const info = await readingSources('Cannot share that', async () => await running.addShare({
      paths: uploadOnly === undefined ? paths : [uploadOnly],
      pin: options.pin,
      expiresInMs: options.expires,
      allowUpload: options.allowUpload,
      from: hostname(),
      ...(name === undefined ? {} : { name })
    }))
    const dir = resolve(options.dir)
    // The first link is the one other devices reach (the default route's interface); 127.0.0.1 comes last.
    const shown = info.urls[0] ?? ''
    out.event({ type: 'share', shareId: info.id, url: shown, urls: info.urls, pin: info.pin ?? null, expiresAt: new Date(info.expiresAt).toISOString(), files: info.files.length, totalBytes: info.totalBytes, allowUpload: info.allowUpload, ...(info.allowUpload ? { dir } : {}), skipped: info.skipped.map((s) => ({ path: s.path, localPath: s.absolutePath, reason: s.reason, ...(s.detail === undefined ? {} : { detail: s.detail }) })), skippedCount: info.skippedCount })
    const until = new Date(info.expiresAt).toLocaleString()
    out.say(uploadOnly === undefined ? `Sharing ${count(info.files.length, 'file')}, ${formatBytes(info.totalBytes)}, until ${until}` : `Taking files from browsers until ${until}`)
    if (info.skippedCount > 0) {
      out.say(`Not shared: ${info.skippedCount} entr${info.skippedCount === 1 ? 'y' : 'ies'} inside the shared folders (links inside folders are not followed):`)
      for (const s of info.skipped.slice(0, SHOWN_SKIPS)) out.say(`  ${printable(s.path)}: ${WHY_SKIPPED[s.reason]}${s.detail === undefined ? '' : ` (${printable(s.detail)})`}`)
      if (info.skippedCount > SHOWN_SKIPS) out.say(`  ... and ${info.skippedCount - SHOWN_SKIPS} more`)
    }
    out.say('Open in a browser on the same network:')
    for (const url of info.urls) out.say(`  ${url}`)
    if (info.pin !== undefined) out.say(`PIN: ${info.pin}`)
    if (!out.json) out.raw(await terminalQr(shown))
    if (info.allowUpload) out.say(`Browsers may send files; they are saved into ${dir}${options.yes ? '' : ' after you accept'}`)
    out.say('Press Ctrl-C to stop sharing.')

    server.on('download', (event) => {
      out.event({ type: 'download', path: event.path, fileId: event.fileId, bytes: event.bytes, complete: event.complete, range: event.range, from: event.remoteAddress })
      if (event.complete) out.say(`  sent ${printable(event.path)} (${formatBytes(event.bytes)}${event.range === null ? '' : ', part'}) to ${event.remoteAddress}`)
    })
    let questions: Promise<void> = Promise.resolve()
    server.on('offer', (offer) => {
      announce(offer, out)
      // The one offer policy: a browser is never trusted, and --yes never takes hidden folders or files.
      const decision = decideOffer({ trusted: false, identityChanged: false, hiddenPaths: countHiddenPaths(offer.files) }, { yes: options.yes, interactive: process.stdin.isTTY === true, dir })
      // An upload taken (with --yes) runs on its own at once, so a slow visitor never holds another back; how many
      // run at once is capped by the share server (maxSocketsPerShare, maxSocketsPerIp). Questions come one at a
      // time on the terminal, and an accepted upload runs while the next question is asked.
      if (decision.action === 'accept') {
        void receive(offer, dir, out)
      } else if (decision.action === 'decline') {
        void decline(offer, out, decision.why)
      } else {
        questions = questions.then(async () => {
          if (await askYesNo(`Accept from ${who(offer)}? [y/N] `, offer.withdrawn, out.json ? process.stderr : process.stdout)) void receive(offer, dir, out)
          else await decline(offer, out)
        })
      }
    })

    let stopped = false
    const signalled = new Promise<void>((done) => {
      const stop = (): void => { stopped = true; done() }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await Promise.race([signalled, new Promise<void>((done) => { server?.once('share-end', () => { done() }) })])
    if (!stopped) {
      out.event({ type: 'expired', lingerMs: options.linger })
      out.say(`The share expired. Visitors who open the link are told it has ended; stopping in ${formatDuration(options.linger / 1000)} (Ctrl-C stops now).`)
      await settleWithin(signalled, options.linger)
    }
    out.event({ type: 'stopped' })
    out.say('Stopped sharing.')
    return 0
  } catch (err) {
    out.fail(err)
    return 1
  } finally {
    await server?.close()
    if (uploadOnly !== undefined) await rm(uploadOnly, { recursive: true, force: true })
    await hashPool?.close()
    out.event({ type: 'stats', ...stats() })
  }
}

function who (offer: ShareOffer): string {
  return `${offer.from.alias === undefined ? 'a browser' : `"${printable(offer.from.alias)}"`} (${offer.from.address.host})`
}

function announce (offer: ShareOffer, out: Output): void {
  out.event({ type: 'offer', transferId: offer.transferId, from: { peerId: offer.from.peerId, alias: offer.from.alias, address: offer.from.address.host }, files: offer.files.length, totalBytes: offer.totalBytes })
  out.say(`\n${who(offer)} wants to send ${offer.files.length} file(s), ${formatBytes(offer.totalBytes)}`)
  const hiddenWarning = hiddenPathsWarning(offer.files, printable)
  if (hiddenWarning !== undefined) out.say(hiddenWarning)
  for (const file of offer.files.slice(0, 20)) out.say(`  ${printable(file.path)}  (${formatBytes(file.size)})`)
  if (offer.files.length > 20) out.say(`  ... and ${offer.files.length - 20} more`)
}

/** Declines an offer; `why` when the policy declined it without asking (hidden folders or files with --yes). */
async function decline (offer: ShareOffer, out: Output, why?: string): Promise<void> {
  await offer.respond({ accept: false }).catch(() => {})
  out.say(why === undefined ? 'Declined.' : 'Declined: an upload with hidden folders or files is never accepted without asking.')
  out.event({ type: 'declined', transferId: offer.transferId, ...(why === undefined ? {} : { reason: why }) })
}

async function receive (offer: ShareOffer, dir: string, out: Output): Promise<void> {
  const bar = out.progress(offer.transferId)
  try {
    const result = await offer.respond({ accept: true, dir, onProgress: (p) => { bar.update(p) } })
    bar.stop()
    out.event({ type: 'received', transferId: result.transferId, files: result.files.length, bytes: result.bytesReceived, seconds: result.seconds, saved: result.files.length <= 100 ? result.files : undefined })
    for (const file of result.files.slice(0, 20)) out.say(`  saved ${printable(file.savedAs)}`)
    out.say(`Received ${count(result.files.length, 'file')}, ${amountInTime(result.bytesReceived, result.seconds)}, all verified (BLAKE3)`)
  } catch (err) {
    bar.stop()
    out.fail(err)
  }
}
