// `ferry receive`: listen, show who we are and where, then ask about (or with --yes accept) each offer.

import { networkInterfaces } from 'node:os'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline/promises'
import type { FerryNode, IncomingOffer } from '@ferry/p2p-core'
import { formatBytes, type Output } from '../output.ts'

export interface ReceiveOptions {
  dir: string
  yes: boolean
  once: boolean
}

/** Addresses a peer on the LAN can use; 127.0.0.1 first when bound to every interface, for local use. */
export function reachableHosts (boundHost: string): string[] {
  if (boundHost !== '0.0.0.0' && boundHost !== '::') return [boundHost]
  const hosts = ['127.0.0.1']
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) hosts.push(info.address)
  }
  return hosts
}

/** Resolves with the exit code once --once is satisfied; otherwise runs until the process is stopped. */
export async function receive (node: FerryNode, options: ReceiveOptions, out: Output): Promise<number> {
  const dir = resolve(options.dir)
  const { port } = node.address
  const hosts = reachableHosts(node.address.host)
  out.event({ type: 'listening', peerId: node.peerId, shortCode: node.shortCode, host: node.address.host, port, address: `${hosts[0] ?? ''}:${port}/${node.peerId}`, addresses: hosts.map((h) => `${h}:${port}/${node.peerId}`) })
  out.say(`Ferry device ${node.alias}, code ${node.shortCode}`)
  out.say(`Device id ${node.peerId}`)
  out.say(`Saving into ${dir}`)
  out.say('Send to this device with:')
  for (const host of hosts) out.say(`  ferry send FILE... --to ${host}:${port}/${node.peerId}`)

  return await new Promise<number>((done) => {
    let queue: Promise<void> = Promise.resolve()
    node.on('offer', (offer) => {
      // One question at a time on the terminal; offers wait their turn.
      queue = queue.then(async () => {
        const code = await handleOffer(offer, dir, options, out)
        if (options.once) done(code)
      })
    })
  })
}

async function handleOffer (offer: IncomingOffer, dir: string, options: ReceiveOptions, out: Output): Promise<number> {
  const who = `${offer.from.alias ?? 'unknown device'} [${offer.from.shortCode}]`
  out.event({ type: 'offer', transferId: offer.transferId, from: { peerId: offer.from.peerId, shortCode: offer.from.shortCode, alias: offer.from.alias }, files: offer.files.length, totalBytes: offer.totalBytes, ...(offer.text === undefined ? {} : { text: offer.text }) })
  out.say(`\n${who} offers ${offer.files.length} file(s), ${formatBytes(offer.totalBytes)}`)
  for (const file of offer.files.slice(0, 20)) out.say(`  ${file.path}  (${formatBytes(file.size)})`)
  if (offer.files.length > 20) out.say(`  ... and ${offer.files.length - 20} more`)
  if (offer.text !== undefined) out.say(`Message:\n${offer.text}`)

  const accept = options.yes || await ask(`Accept from ${who}? [y/N] `, offer.withdrawn)
  if (!accept) {
    await offer.respond({ accept: false }).catch(() => {})
    out.say('Declined.')
    out.event({ type: 'declined', transferId: offer.transferId })
    return 1
  }
  const bar = out.progress(offer.transferId)
  const controller = new AbortController()
  const onSigint = (): void => { controller.abort() }
  process.once('SIGINT', onSigint)
  try {
    const result = await offer.respond({ accept: true, dir, onProgress: (p) => { bar.update(p) }, signal: controller.signal })
    bar.stop()
    out.event({ type: 'received', transferId: result.transferId, files: result.files.length, bytes: result.bytesReceived, bytesResumed: result.bytesResumed, seconds: result.seconds, saved: result.files.length <= 100 ? result.files : undefined })
    for (const file of result.files.slice(0, 20)) out.say(`  saved ${file.savedAs}`)
    if (result.files.length > 20) out.say(`  ... and ${result.files.length - 20} more`)
    out.say(`Received ${result.files.length} file(s), ${formatBytes(result.bytesReceived)} in ${result.seconds.toFixed(1)} s, all verified (BLAKE3)` +
      (result.bytesResumed > 0 ? `, resumed after ${formatBytes(result.bytesResumed)}` : ''))
    return 0
  } catch (err) {
    bar.stop()
    out.fail(err)
    return 1
  } finally {
    process.off('SIGINT', onSigint)
  }
}

async function ask (question: string, withdrawn: AbortSignal): Promise<boolean> {
  if (process.stdin.isTTY !== true && process.stdin.readable !== true) return false
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    const answer = await rl.question(question, { signal: withdrawn })
    return /^y(es)?$/i.test(answer.trim())
  } catch {
    return false
  } finally {
    rl.close()
  }
}
