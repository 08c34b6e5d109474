// A short control session that is not a transfer (a ping, a pairing): dial the peer (its id proven by TLS when one
// is expected), open the control stream and say `hello`. The caller sends its intent and closes the session.

import { randomId } from '../protocol/ids.ts'
import { ControlChannel } from '../protocol/control-channel.ts'
import { PROTOCOL_ID, type DeviceType } from '../protocol/messages.ts'
import type { FerryConnection, PeerAddress, Transport } from '../transport/types.ts'

export interface OutboundTarget {
  address: PeerAddress
  /** When given, the session fails with IdentityMismatchError unless the peer proves this id. */
  peerId?: string
}

export interface OutboundComponents {
  transport: Transport
  maxFrameBytes: number
  alias: string
  deviceType: DeviceType
}

export interface OutboundSession {
  connection: FerryConnection
  control: ControlChannel
  /** FINs the control stream and closes the connection. */
  close: () => Promise<void>
}

export async function openOutboundSession (target: OutboundTarget, components: OutboundComponents, signal?: AbortSignal): Promise<OutboundSession> {
  const connection = await components.transport.dial(target.address, { expectedPeerId: target.peerId, signal })
  const onAbort = (): void => { connection.close() }
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const control = new ControlChannel(await connection.openStream(), components.maxFrameBytes)
    await control.send({ type: 'hello', protocol: PROTOCOL_ID, transferId: randomId(), alias: components.alias, deviceType: components.deviceType })
    return {
      connection,
      control,
      close: async () => {
        signal?.removeEventListener('abort', onAbort)
        await control.finish().catch(() => {})
        connection.close()
      }
    }
  } catch (err) {
    signal?.removeEventListener('abort', onAbort)
    connection.close()
    throw err
  }
}
