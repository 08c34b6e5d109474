// Closing a connection after our last frames: the peer closing first is the sign that it has read them.

import { settleWithin } from '../async/deadline.ts'
import type { FerryConnection } from './types.ts'

/** Waits up to `ms` for the peer to close (so our last frames reach it), then closes. */
export async function closeGracefully (connection: FerryConnection, ms: number): Promise<void> {
  await settleWithin(connection.closed, ms)
  connection.close()
}
