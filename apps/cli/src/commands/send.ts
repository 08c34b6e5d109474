// `ferry send PATH... --to HOST:PORT[/DEVICE_ID]`: offer files, folders and/or a text, show progress, and exit
// non-zero with a clear message when the transfer does not end verified.

import { parsePeerTarget, type FerryNode } from '@ferry/p2p-core'
import { formatBytes, type Output } from '../output.ts'

export interface SendOptions {
  to: string
  text?: string
}

export async function send (node: FerryNode, paths: string[], options: SendOptions, out: Output): Promise<number> {
  const target = parsePeerTarget(options.to)
  const controller = new AbortController()
  const onSigint = (): void => { controller.abort() }
  process.once('SIGINT', onSigint)
  const bar = out.progress('')
  try {
    out.say(`Waiting for ${target.address.host}:${target.address.port} to accept...`)
    const result = await node.send({
      address: target.address,
      peerId: target.peerId,
      paths,
      text: options.text,
      signal: controller.signal,
      onProgress: (p) => { bar.update(p) }
    })
    bar.stop()
    out.event({ type: 'done', transferId: result.transferId, files: result.files, bytes: result.bytesSent, bytesResumed: result.bytesResumed, seconds: result.seconds })
    const rate = result.seconds > 0 ? result.bytesSent / result.seconds : 0
    out.say(`Sent ${result.files} file(s), ${formatBytes(result.bytesSent)} in ${result.seconds.toFixed(1)} s (${formatBytes(rate)}/s), verified by the receiver` +
      (result.bytesResumed > 0 ? `; resumed, ${formatBytes(result.bytesResumed)} were already there` : ''))
    return 0
  } catch (err) {
    bar.stop()
    out.fail(err)
    return controller.signal.aborted ? 130 : 1
  } finally {
    process.off('SIGINT', onSigint)
  }
}
