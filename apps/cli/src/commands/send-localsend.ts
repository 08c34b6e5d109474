// `ferry send PATH... --to localsend://HOST:PORT` (localsend+http:// for an app in plain http mode): the same send
// to a LocalSend device, over LocalSend's protocol v2. The device is asked who it is first (its alias and the
// fingerprint of its certificate, its LocalSend identity) and remembered by that fingerprint; one that calls itself
// like a device we know under another fingerprint is flagged like a Ferry key change. LocalSend has no resume and
// checks files with SHA-256, not BLAKE3: the result line says which.

import { UnreachableError } from '@ferry/p2p-core'
import { LocalSendClient, localSendPeerId, parseLocalSendTarget } from '@ferry/localsend'
import { identityWarning, viewPeer, type TrustStore } from '@ferry/app-service/peers'
import { shortCodeFor } from '@ferry/p2p-core'
import { count, amountInTime } from '../human-units.ts'
import { clientInfo, localSendIdentity } from '../localsend.ts'
import { printable, type Output } from '../output.ts'
import { askLine } from '../prompt.ts'

export interface LocalSendSendOptions {
  to: string
  text?: string
  /** The receiver's PIN, if it wants one; asked on a terminal otherwise. */
  pin?: string
  alias?: string
  followLinks: boolean
}

export function isLocalSendTarget (to: string): boolean {
  return /^localsend(\+https?)?:\/\//i.test(to)
}

async function askPin (wrong: boolean): Promise<string | undefined> {
  if (process.stdin.isTTY !== true) return undefined
  const answer = (await askLine(wrong ? 'Wrong PIN. PIN shown on the LocalSend device: ' : 'The LocalSend device asks for a PIN: ', undefined, process.stderr))?.trim()
  return answer === '' ? undefined : answer
}

export async function sendToLocalSend (paths: string[], options: LocalSendSendOptions, out: Output, store: TrustStore): Promise<number> {
  const controller = new AbortController()
  const onSigint = (): void => { controller.abort() }
  process.once('SIGINT', onSigint)
  const bar = out.progress('')
  try {
    const target = parseLocalSendTarget(options.to)
    if (target === undefined) throw new UnreachableError(`Not a LocalSend address: ${options.to} (give localsend://HOST:PORT)`)
    const identity = await localSendIdentity()
    const client = new LocalSendClient({ identity, info: () => clientInfo(identity, options.alias) })
    const device = await client.info(target, { signal: controller.signal })
    const fingerprint = device.certificateFingerprint ?? device.fingerprint
    const peer = { peerId: localSendPeerId(fingerprint), shortCode: shortCodeFor(localSendPeerId(fingerprint)), alias: device.alias }
    const view = viewPeer(store, peer)
    out.event({ type: 'localsend-device', alias: device.alias, deviceType: device.deviceType, deviceModel: device.deviceModel, fingerprint, peerId: peer.peerId, trust: view.state, ...(view.identityChanged === undefined ? {} : { identityChanged: view.identityChanged }) })
    const warning = identityWarning(view, peer, printable)
    if (warning !== undefined) out.say(warning)
    const where = `"${printable(device.alias)}" (LocalSend${device.deviceModel === undefined ? '' : `, ${printable(device.deviceModel)}`}) at ${target.host}:${target.port}`
    const result = await client.send({
      // The certificate just seen is the one the files go to.
      target: { ...target, ...(device.certificateFingerprint === undefined ? {} : { fingerprint: device.certificateFingerprint }) },
      paths,
      ...(options.text === undefined ? {} : { text: options.text }),
      ...(options.pin === undefined ? {} : { pin: options.pin }),
      askPin,
      followLinks: options.followLinks,
      onOffered: () => { out.say(`Waiting for ${where} to accept...`) },
      onProgress: (p) => { bar.update(p) },
      signal: controller.signal
    })
    bar.stop()
    await store.touch(peer.peerId, { alias: device.alias, address: `${target.host}:${target.port}` }).catch(() => {})
    out.event({ type: 'done', peerId: peer.peerId, files: result.files, skippedByReceiver: result.skippedByReceiver, bytes: result.bytesSent, seconds: result.seconds, transferSeconds: result.transferSeconds, protocol: 'localsend' })
    const what = result.files === 0 && options.text !== undefined ? 'Sent the text' : `Sent ${count(result.files, 'file')}${options.text === undefined ? '' : ' and the text'}, ${amountInTime(result.bytesSent, result.transferSeconds)}`
    out.say(`${what} to ${where}, checked by the receiver with SHA-256 (LocalSend has no BLAKE3 and no resume)` +
      (result.skippedByReceiver > 0 ? `; it did not want ${count(result.skippedByReceiver, 'file')}` : ''))
    return 0
  } catch (err) {
    bar.stop()
    out.fail(err)
    return controller.signal.aborted ? 130 : 1
  } finally {
    process.off('SIGINT', onSigint)
  }
}
