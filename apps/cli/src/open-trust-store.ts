// Opens the trust store of this config folder for a command, telling the user if a damaged file was set aside.

import { configDir } from './config-dir.ts'
import type { Output } from './output.ts'
import { TrustStore } from '@ferry/app-service/peers'

export async function openTrustStore (out: Output): Promise<TrustStore> {
  const store = await TrustStore.open(configDir())
  if (store.warning !== undefined) {
    out.event({ type: 'warning', message: store.warning })
    process.stderr.write(`ferry: ${store.warning}\n`)
  }
  return store
}
