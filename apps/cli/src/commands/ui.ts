// `ferry ui [--open] [--port N] [--json]`: the engine behind FerryApi (@ferry/app-service), and the UI served to a
// browser on this computer with the API over a local WebSocket. Prints a one-time launch link (ui-server/sessions.ts),
// opens a browser only with --open, and runs until Ctrl-C. Enter on its standard input prints a new link; SIGHUP
// signs out every page and prints a new link. The page's port is kept for next time when it is free, so a tab left
// open finds the restarted Ferry and says it must sign in again.

import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { createFerryService, type FerryService } from '@ferry/app-service'
import { ListenFailedError } from '@ferry/p2p-core'
import type { Output } from '../output.ts'
import { ensureUiBuilt } from '../ui-server/build-ui.ts'
import { LAUNCH_CODE_TTL_MS } from '../ui-server/sessions.ts'
import { startUiServer, type UiServer, type UiServerInit } from '../ui-server/ui-server.ts'
import { launchDetached, platformOpener, shellHooks } from '../ui-server/shell-open.ts'
import { readUiPort, saveUiPort } from '../ui-server/ui-port.ts'
import { runtimeFiles } from '../runtime-files.ts'

export interface UiOptions {
  configDir: string
  /** Where received files go until changed in Settings. */
  dir?: string
  /** TCP port of the page on 127.0.0.1; 0 picks a free one; omitted: the last one if free, else a free one. */
  port?: number
  /** Address the engine (QUIC) listens on. */
  host: string
  open: boolean
  json: boolean
  /** Announce and look for devices over mDNS (off with --no-mdns, FERRY_NO_MDNS=1, or a loopback --host). */
  mdns: boolean
  /** Speak LocalSend too (off with --no-localsend or FERRY_NO_LOCALSEND=1): its server's port, and its multicast announce. */
  localsend?: { port: number, discovery: boolean }
}

/** Where copies of files dropped onto the page are kept while `ferry ui` runs (ui-server/drops.ts). */
export const DROPS_DIR = 'ui-drops'

/** The page --open hands the browser: a file (0600, in the config folder) that forwards to the launch link, so the link never sits on a command line. */
export const LAUNCH_FILE = 'ui-launch.html'

/** Serves until SIGINT or SIGTERM; resolves with the exit code. */
export async function ui (options: UiOptions, out: Output): Promise<number> {
  let service: FerryService | undefined
  let server: UiServer | undefined
  const launchFile = join(options.configDir, LAUNCH_FILE)
  const cleanups: Array<() => void> = []
  const { hashWorkerUrl, sharePageDir, uiDir } = runtimeFiles()
  try {
    // From the sources, the UI is built on demand; the production build carries its own (uiDir).
    if (uiDir === undefined) await ensureUiBuilt({ onBuild: () => { out.say('Building the UI first (pnpm --filter @ferry/ui build)…') } })
    service = await createFerryService({
      // A browser has no file dialog that reveals paths: the UI browses this computer's folders through listFolder.
      configDir: options.configDir, listen: { host: options.host }, mdns: options.mdns, browseFolders: true, ...shellHooks(), ...(options.dir === undefined ? {} : { downloadDir: options.dir }),
      ...(options.localsend === undefined ? {} : { localsend: { host: options.host, ...options.localsend } }),
      ...(hashWorkerUrl === undefined || sharePageDir === undefined ? {} : { bundled: { hashWorkerUrl, sharePageDir } })
    })
    server = await listen({ api: service, dropsDir: join(options.configDir, DROPS_DIR), ...(uiDir === undefined ? {} : { distDir: uiDir }) }, options)
    const running = server
    await saveUiPort(options.configDir, running.port).catch(() => {})
    const { device, settings } = await service.getState()
    const url = running.launchUrl()
    const localsend = service.localSendInfo()
    out.event({ type: 'ui', url, port: running.port, launchLinkTtlMs: LAUNCH_CODE_TTL_MS, device: { peerId: device.peerId, shortCode: device.shortCode, addresses: device.addresses }, downloadDir: settings.downloadDir, ...(localsend === undefined ? {} : { localsend }) })
    out.say(`Ferry is running as ${device.alias} (${device.shortCode}), its page at http://127.0.0.1:${running.port}/`)
    out.say(`Open this one-time link in a browser on this computer (it signs in the first browser that opens it, within ${LAUNCH_CODE_TTL_MS / 60_000} minutes):\n\n  ${url}\n`)
    out.say('Press Enter for a new link, Ctrl-C to stop.')

    const newLink = (type: 'launch' | 'rotated'): void => {
      const next = running.launchUrl()
      out.event({ type, url: next })
      out.say(type === 'rotated' ? `Every page was signed out. New link: ${next}` : `New one-time link: ${next}`)
    }
    // Enter (a line on standard input) prints a new link; without a readable stdin (a service) nothing is read.
    if (process.stdin.readable) {
      const lines = createInterface({ input: process.stdin })
      lines.on('line', () => { newLink('launch') })
      cleanups.push(() => { lines.close() })
    }
    const onHangup = (): void => { running.rotate(); newLink('rotated') }
    process.on('SIGHUP', onHangup)
    cleanups.push(() => { process.off('SIGHUP', onHangup) })

    if (options.open) {
      await openInBrowser(launchFile, running.launchUrl()).catch(() => { out.say('Could not open a browser; open the link above yourself.') })
      const timer = setTimeout(() => { void rm(launchFile, { force: true }) }, LAUNCH_CODE_TTL_MS)
      timer.unref()
      cleanups.push(() => { clearTimeout(timer) })
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
    for (const cleanup of cleanups) cleanup()
    await rm(launchFile, { force: true }).catch(() => {})
    await server?.close()
    await service?.close()
  }
}

/** The page server on --port, or on the port it had last time (a free one when that is taken). */
async function listen (init: Omit<UiServerInit, 'port'>, options: UiOptions): Promise<UiServer> {
  if (options.port !== undefined) return await startUiServer({ ...init, port: options.port })
  const last = await readUiPort(options.configDir)
  if (last !== undefined) {
    try {
      return await startUiServer({ ...init, port: last })
    } catch (err) {
      // Taken by another program since, or not allowed: a free port instead.
      if (!(err instanceof ListenFailedError)) throw err
    }
  }
  return await startUiServer({ ...init, port: 0 })
}

/**
 * Opens the launch link in the default browser through a file that forwards to it (what Jupyter does): the
 * opener's command line, which every local user can read in /proc, names only that file.
 */
async function openInBrowser (file: string, url: string): Promise<void> {
  const page = `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${url}"><title>Ferry</title><a href="${url}">Open Ferry</a>\n`
  await rm(file, { force: true })
  await writeFile(file, page, { mode: 0o600, flag: 'wx' })
  const opener = platformOpener()
  await launchDetached(opener.command, opener.args(file))
}
