// A transport wrapper for tests (p2p-core's and the apps'): sees every stream the sender opens and can count, corrupt or
// cut them. The first stream of a connection is the control stream; the rest carry data.

import { sleep } from '../async/deadline.ts'
import type { FerryConnection, FerryStream, Transport } from '../transport/types.ts'

export interface Faults {
  /** Flip one bit in the data bytes at this offset (counted across all data writes, frames included). */
  corruptAt?: number
  /** Close the connection once this many data bytes were written. */
  cutAfter?: number
  /** Delay each data write by this many ms. */
  writeDelayMs?: number
  /** Once this many data bytes were written, hold every further write for 5 s (a peer gone silent). */
  stallAfter?: number
}

export interface FaultStats {
  dataBytes: number
  openDataStreams: number
  maxOpenDataStreams: number
}

export function faultyTransport (inner: Transport, faults: Faults, stats: FaultStats = { dataBytes: 0, openDataStreams: 0, maxOpenDataStreams: 0 }): Transport & { stats: FaultStats } {
  const wrapStream = (stream: FerryStream, connection: FerryConnection): FerryStream => {
    let open = true
    stats.openDataStreams++
    stats.maxOpenDataStreams = Math.max(stats.maxOpenDataStreams, stats.openDataStreams)
    const closed = (): void => { if (open) { open = false; stats.openDataStreams-- } }
    return {
      read: async (n) => await stream.read(n),
      async write (data) {
        if (faults.writeDelayMs !== undefined) await sleep(faults.writeDelayMs)
        if (faults.stallAfter !== undefined && stats.dataBytes >= faults.stallAfter) await sleep(5_000)
        const start = stats.dataBytes
        stats.dataBytes += data.byteLength
        let out = data
        if (faults.corruptAt !== undefined && faults.corruptAt >= start && faults.corruptAt < stats.dataBytes) {
          out = Uint8Array.from(data)
          const at = faults.corruptAt - start
          out[at] = (out[at] ?? 0) ^ 1
        }
        await stream.write(out)
        if (faults.cutAfter !== undefined && stats.dataBytes >= faults.cutAfter) connection.close()
      },
      async finish () { closed(); await stream.finish() },
      reset () { closed(); stream.reset() }
    }
  }
  return {
    stats,
    get peerId () { return inner.peerId },
    listen: async (address) => await inner.listen(address),
    close: async () => await inner.close(),
    async dial (address, options) {
      const connection = await inner.dial(address, options)
      let streams = 0
      return {
        get remotePeerId () { return connection.remotePeerId },
        get remoteAddress () { return connection.remoteAddress },
        get closed () { return connection.closed },
        acceptStream: async () => await connection.acceptStream(),
        close: () => { connection.close() },
        async openStream () {
          const stream = await connection.openStream()
          return streams++ === 0 ? stream : wrapStream(stream, connection)
        }
      }
    }
  }
}
