// `ferry ui [--open] [--port N] [--json]`: the engine behind FerryApi (@ferry/app-service), and the UI served to a
// browser on this computer with the API over a local WebSocket. Prints the page's URL (its token is the key to
// this Ferry), opens a browser only with --open, and runs until Ctrl-C.

import { createFerryService, type FerryService } from '@ferry/app-service'
import type { Output } from '../output.ts'
import { ensureUiBuilt } from '../ui-server/build-ui.ts'
import { startUiServer, type UiServer } from '../ui-server/ui-server.ts'
import { launchDetached, platformOpener, shellHooks } from '../ui-server/shell-open.ts'

export interface UiOptions {
  configDir: string
  /** Where received files go until changed in Settings. */
  dir?: string
  /** TCP port of the page on 127.0.0.1; 0 picks a free one. */
  port: number
  /** Address the engine (QUIC) listens on. */
  host: string
  open: boolean
  json: boolean
  /** Announce and look for devices over mDNS (off with --no-mdns, FERRY_NO_MDNS=1, or a loopback --host). */
  mdns: boolean
}

/** Serves until SIGINT or SIGTERM; resolves with the exit code. */
export async function ui (options: UiOptions, out: Output): Promise<number> {
  let service: FerryService | undefined
  let server: UiServer | undefined
  try {
    await ensureUiBuilt({ onBuild: () => { out.say('Building the UI first (pnpm --filter @ferry/ui build)…') } })
    service = await createFerryService({
      configDir: options.configDir, listen: { host: options.host }, mdns: options.mdns, ...shellHooks(), ...(options.dir === undefined ? {} : { downloadDir: options.dir })
    })
    server = await startUiServer({ api: service, port: options.port })
    const { device, settings } = await service.getState()
    out.event({ type: 'ui', url: server.url, port: server.port, device: { peerId: device.peerId, shortCode: device.shortCode, addresses: device.addresses }, downloadDir: settings.downloadDir })
    out.say(`Ferry is running as ${device.alias} (${device.shortCode}).`)
    out.say(`Open this address in a browser on this computer (it works only here, and only with its token):\n\n  ${server.url}\n`)
    out.say('Press Ctrl-C to stop.')
    if (options.open) {
      const opener = platformOpener()
      await launchDetached(opener.command, opener.args(server.url)).catch(() => { out.say('Could not open a browser; open the address above yourself.') })
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    return 0
  } catch (err) {
    out.fail(err)
    return 1
  } finally {
    await server?.close()
    await service?.close()
  }
}
