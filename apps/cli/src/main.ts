#!/usr/bin/env node
// The `ferry` command's composition root: parse arguments, build the one engine, run the command, exit.
// Each command loads what it uses when it runs (import() in its action): `ferry --version` or `ferry share` never
// loads the QUIC engine, libp2p's crypto or zod, and the production bundle keeps these loads apart as chunks.

import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { isIPv4, isIPv6 } from 'node:net'
import { Command, InvalidArgumentError, Option } from 'commander'
import { parseDuration } from '@ferry/http-share/duration'
import { defaultShareLimits } from '@ferry/http-share/limits'
import type { FerryNode } from '@ferry/p2p-core'
import { configDir, defaultDownloadDir } from './config-dir.ts'
import { printable } from './printable.ts'
import type { Output } from './output.ts'
import type { ShareOptions } from './commands/share.ts'

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }

/** Longest `--linger`: long enough to tell every visitor the link has ended, short of a process left for weeks. */
const MAX_LINGER_MS = 24 * 60 * 60_000

/** A duration option (30m, 1h, 2d) of at most `maxMs`. */
function duration (maxMs: number): (value: string) => number {
  return (value) => {
    try {
      return parseDuration(value, maxMs)
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message)
    }
  }
}

/**
 * A port: decimal digits only, 0 to 65535. Number() alone would also take "", " 80", "1e3" and "0x10" (and listen
 * on a port the user never wrote).
 */
function port (value: string): number {
  const n = /^\d{1,5}$/.test(value) ? Number(value) : NaN
  if (!(n <= 65535)) throw new InvalidArgumentError('a port is a whole number from 0 to 65535')
  return n
}

/** A duration in ms: decimal digits only (a whole number, 0 or more); a usage error otherwise, never a stack trace. */
function parseMilliseconds (value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('give a whole number of milliseconds (3000 is 3 seconds)')
  return n
}

/**
 * Whether `text` is an IP address. IPv6 is tested only on text with two colons or more, as every IPv6 address has:
 * Node compiles its IPv6 pattern on the first test (a few ms), which `ferry send --to HOST:PORT` then never pays.
 */
function isIpAddress (text: string): boolean {
  return isIPv4(text) || (text.indexOf(':') !== text.lastIndexOf(':') && isIPv6(text))
}

/**
 * Commander parser for --host: an IPv4 or IPv6 address of this computer, or 0.0.0.0 / :: for all of them. Host names
 * and zone ids (fe80::1%eth0) are refused at once: the QUIC engine listens only on a plain address, and a name
 * would reach getaddrinfo (or an unrelated listen error) after the engine began starting.
 */
function listenHost (value: string): string {
  if (!isIPv4(value) && !(isIPv6(value) && !value.includes('%'))) {
    throw new InvalidArgumentError('give an IP address of this computer (such as 192.168.1.20 or ::1), or 0.0.0.0 for all of them')
  }
  return value
}

/**
 * Commander parser for --to: an IP address without a port is refused at once, saying so (Ferry has no fixed port:
 * `ferry receive` picks a free one unless told, and prints it). Anything else is left to resolvePeer.
 */
function parseTarget (value: string): string {
  const bare = (host: string): string => host.replace(/^\[(.*)\]$/, '$1')
  // "10.0.0.2", "[fe80::1]", "10.0.0.2/DEVICE_ID": an address and no port at all.
  const noPort = isIpAddress(bare(value.split('/')[0] ?? ''))
  // "10.0.0.2:", "10.0.0.2:http": a port that is not a number.
  const withPort = /^(\[[^\]]+\]|[^:/[\]]+):([^/]*)(?:\/.*)?$/.exec(value)
  const badPort = withPort !== null && isIpAddress(bare(withPort[1] ?? '')) && !/^\d{1,5}$/.test(withPort[2] ?? '')
  if (noPort || badPort) {
    // "10.0.0.2:-1", "10.0.0.2:1e3": a port is there but is not one.
    const what = badPort && withPort?.[2] !== '' ? `"${withPort?.[2] ?? ''}" is not a port (a whole number from 1 to 65535)` : `${value} has no port`
    throw new InvalidArgumentError(`${what}. Give HOST:PORT, or HOST:PORT/DEVICE_ID as \`ferry receive\` prints it ` +
      '(a receiver listens on a port it picks unless given --port)')
  }
  return value
}

/** The output for --json or a terminal; loaded with the command, because it carries the progress bar. */
async function output (json: boolean): Promise<Output> {
  const { createOutput } = await import('./output.ts')
  return createOutput({ json })
}

/**
 * Whether --dir can take files: a folder, or nothing yet (made on the first receive). A file, a device or a link to
 * nowhere is said now, before anything starts, not at the first accepted offer; the failure is printed here.
 */
async function dirUsable (dir: string, json: boolean): Promise<boolean> {
  const { checkDownloadDir } = await import('@ferry/app-service/download-dir')
  try {
    await checkDownloadDir(resolve(dir))
    return true
  } catch (err) {
    (await output(json)).fail(err)
    process.exitCode = 1
    return false
  }
}

/** Runs a command on a fresh engine, prints stats with --json, closes the engine and sets the exit code. */
async function run (options: { json?: boolean, host: string, port: number, alias?: string }, body: (node: FerryNode, out: Output) => Promise<number>): Promise<void> {
  const [{ startProcessStats }, { startEngine }] = await Promise.all([import('./process-stats.ts'), import('./engine.ts')])
  const stats = startProcessStats()
  const out = await output(options.json === true)
  let node: FerryNode | undefined
  let code = 1
  try {
    node = await startEngine({ host: options.host, port: options.port, alias: options.alias })
    code = await body(node, out)
  } catch (err) {
    out.fail(err)
  } finally {
    await node?.close()
  }
  out.event({ type: 'stats', ...stats() })
  process.exitCode = code
}

// `pnpm ferry -- send ...` hands the `--` through; it is not part of Ferry's arguments.
const args = process.argv.slice(2)
if (args[0] === '--') args.shift()

/**
 * The stable code of a usage error (an unknown option, a value an option's parser refuses). With --json it is also a
 * JSON line on stdout like any other failure, so a script that reads only stdout still learns why nothing ran.
 */
const USAGE_ERROR_CODE = 'FERRY_ERR_USAGE'
const jsonRequested = args.includes('--json')

const program = new Command()
  .name('ferry')
  .description('Send files to a computer on the same network: fast, verified (BLAKE3), resumable.')
  .version(version)
  // A usage error is one line and a pointer to the help, not the whole help burying the error (each command
  // names its own help below).
  .showHelpAfterError('see ferry --help')
  .configureOutput({
    outputError: (text, write) => {
      const message = text.replace(/^error: /, '').trimEnd()
      if (jsonRequested) process.stdout.write(`${JSON.stringify({ type: 'error', code: USAGE_ERROR_CODE, message })}\n`)
      // The message may echo what was typed (a pasted --to with a newline or an escape sequence): one line, escaped.
      write(`ferry: ${printable(message)}\n`)
    }
  })

program.command('receive')
  .description('Wait for files and ask about each offer (or accept with --yes)')
  .option('-d, --dir <dir>', 'folder to save into', defaultDownloadDir())
  .option('-p, --port <port>', 'UDP port to listen on (0 picks a free one)', port, 0)
  .option('--host <host>', 'address to listen on', listenHost, '0.0.0.0')
  .option('--alias <name>', 'name shown to senders')
  .option('-y, --yes', 'accept every offer without asking (except from a device flagged for an identity change)', false)
  .option('--once', 'exit after the first transfer this device accepts has ended (declined offers do not end the wait)', false)
  .option('--no-mdns', 'do not announce this device on the local network (mDNS)')
  .option('--pair', 'show a 6-digit PIN another device can pair with (ferry pair)', false)
  .option('--no-localsend', 'do not take files from LocalSend devices')
  .option('--localsend-port <port>', 'TCP port for LocalSend devices (and their multicast group)', port, 53317)
  .option('--localsend-http', 'plain http for LocalSend (older apps with encryption off) instead of https', false)
  .option('--localsend-pin <pin>', 'a PIN LocalSend senders must give')
  .option('--reconnect-wait <ms>', 'with --once, how long to wait for an interrupted sender to come back (default: 2 minutes)', parseMilliseconds)
  .option('--json', 'print one JSON object a line', false)
  .action(async (opts: { dir: string, port: number, host: string, alias?: string, yes: boolean, once: boolean, mdns: boolean, pair: boolean, localsend: boolean, localsendPort: number, localsendHttp: boolean, localsendPin?: string, reconnectWait?: number, json: boolean }) => {
    if (!await dirUsable(opts.dir, opts.json)) return
    const [{ isLoopbackHost, mdnsEnabled }, { receive }, { openTrustStore }, { localSendEnabled, prepareLocalSendIdentity }] =
      await Promise.all([import('@ferry/app-service/peers'), import('./commands/receive.ts'), import('./open-trust-store.ts'), import('./localsend.ts')])
    const mdns = mdnsEnabled(opts.mdns) && !isLoopbackHost(opts.host)
    // The LocalSend identity is loaded (on a first run, its RSA key made) while the engine starts, not after the
    // "listening" line, when a Ferry sender may already be on its way.
    const localsend = localSendEnabled(opts.localsend)
      ? {
          port: opts.localsendPort,
          protocol: opts.localsendHttp ? 'http' as const : 'https' as const,
          discovery: !isLoopbackHost(opts.host),
          ...(opts.localsendPin === undefined ? {} : { pin: opts.localsendPin }),
          identity: prepareLocalSendIdentity()
        }
      : undefined
    await run(opts, async (node, out) => await receive(node, { ...opts, mdns, localsend, ...(opts.reconnectWait === undefined ? {} : { reconnectWaitMs: opts.reconnectWait }) }, out, await openTrustStore(out)))
    if (!opts.once) process.exit()
  })

program.command('send')
  .description('Send files and folders (and/or a text) to a device')
  .argument('[paths...]', 'files and folders to send')
  .requiredOption('-t, --to <target>', 'the receiver: HOST:PORT[/DEVICE_ID] (as `ferry receive` prints), its name or code, or localsend://HOST:PORT for a LocalSend device', parseTarget)
  .option('--alias <name>', 'name shown to the receiver (default: this computer\'s name)')
  .addOption(new Option('--text <message>', 'a text message to send with (or instead of) files'))
  .option('-L, --follow-links', 'inside folders, follow symbolic links to files and folders (never to fifos or devices, never a loop)', false)
  .option('--no-mdns', 'look the receiver up among remembered devices only, not over mDNS')
  .option('--discover-timeout <ms>', 'how long to look for a receiver given by name', parseMilliseconds, 3_000)
  .option('--pin <pin>', 'the PIN a LocalSend receiver asks for (asked on a terminal otherwise)')
  .option('--json', 'print progress and the result as JSON lines', false)
  .action(async (paths: string[], opts: { to: string, text?: string, pin?: string, alias?: string, followLinks: boolean, mdns: boolean, discoverTimeout: number, json: boolean }) => {
    if (/^localsend(\+https?)?:\/\//i.test(opts.to)) {
      // A LocalSend device: its own protocol over HTTPS, no Ferry engine needed.
      const [{ sendToLocalSend }, { openTrustStore }] = await Promise.all([import('./commands/send-localsend.ts'), import('./open-trust-store.ts')])
      const out = await output(opts.json)
      process.exitCode = await sendToLocalSend(paths, opts, out, await openTrustStore(out))
      return
    }
    const [{ mdnsEnabled }, { send }, { openTrustStore }] =
      await Promise.all([import('@ferry/app-service/peers'), import('./commands/send.ts'), import('./open-trust-store.ts')])
    // A sender accepts nothing: its engine's listener stays on loopback.
    await run({ ...opts, host: '127.0.0.1', port: 0 }, async (node, out) =>
      await send(node, paths, { ...opts, mdns: mdnsEnabled(opts.mdns), discoverTimeoutMs: opts.discoverTimeout }, out, await openTrustStore(out)))
  })

program.command('share')
  .description('Share files and folders with any browser on the network: prints a link and a QR code')
  .argument('[paths...]', 'files and folders to share (none with --allow-upload: a page that only takes files)')
  .option('--pin', 'protect the link with a random 6-digit PIN', false)
  .addOption(new Option('--expires <duration>', 'how long the link works: 30m, 1h, 2d (at most 30d)').argParser(duration(defaultShareLimits.maxShareTtlMs)).default(defaultShareLimits.shareTtlMs, '1h'))
  .option('-p, --port <port>', 'TCP port to listen on (0 picks a free one)', port, 0)
  .option('--host <host>', 'address to listen on', listenHost, '0.0.0.0')
  .option('--allow-upload', 'let browsers send files to this computer', false)
  .option('-d, --dir <dir>', 'folder for files sent from browsers', defaultDownloadDir())
  .option('-y, --yes', 'accept every upload without asking', false)
  .option('--name <name>', 'name shown on the page and given to the zip')
  .addOption(new Option('--linger <duration>', 'after the link expires, keep telling visitors it has ended for this long (at most 1d), then exit').argParser(duration(MAX_LINGER_MS)).default(10 * 60_000, '10m'))
  .option('--json', 'print one JSON object a line', false)
  .action(async (paths: string[], opts: ShareOptions, command: Command) => {
    if (paths.length === 0 && !opts.allowUpload) command.error('give files or folders to share, or --allow-upload for a page that only takes files')
    if (opts.allowUpload && !await dirUsable(opts.dir, opts.json)) return
    const { share } = await import('./commands/share.ts')
    process.exitCode = await share(paths, opts, await output(opts.json))
    process.exit()
  })

program.command('peers')
  .description('List the devices nearby: alias, code, addresses, trust (found over mDNS, remembered, or --add)')
  .option('--add <target>', 'also probe this address: HOST:PORT[/DEVICE_ID] or a ferry:// link (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--watch', 'keep watching and print devices as they appear, change and go', false)
  .option('--wait <ms>', 'how long to look before listing', parseMilliseconds, 3_000)
  .option('--no-mdns', 'do not look over mDNS (remembered devices and --add only)')
  .option('--no-localsend', 'do not look for LocalSend devices')
  .option('--localsend-port <port>', 'LocalSend\'s port (its multicast group, and the server devices answer to)', port, 53317)
  .option('--json', 'print one JSON object a line', false)
  .action(async (opts: { add: string[], watch: boolean, wait: number, mdns: boolean, localsend: boolean, localsendPort: number, json: boolean }) => {
    const [{ mdnsEnabled }, { peers }, { openTrustStore }, { localSendEnabled }] =
      await Promise.all([import('@ferry/app-service/peers'), import('./commands/peers.ts'), import('./open-trust-store.ts'), import('./localsend.ts')])
    // LocalSend devices are found over their own multicast group (--no-localsend or FERRY_NO_LOCALSEND=1 stops it).
    const localsend = localSendEnabled(opts.localsend) ? { port: opts.localsendPort } : undefined
    await run({ ...opts, host: '127.0.0.1', port: 0 }, async (node, out) =>
      await peers(node, { ...opts, waitMs: opts.wait, mdns: mdnsEnabled(opts.mdns), localsend }, out, await openTrustStore(out)))
    process.exit()
  })

program.command('trust')
  .description('Mark a device as yours; with --auto-accept its offers are saved without asking')
  .argument('<device>', 'device id, HOST:PORT/DEVICE_ID, or the name or code of a device seen before')
  .option('--auto-accept', 'accept its offers without asking, into --dir')
  .option('--no-auto-accept', 'ask about its offers again')
  .option('-d, --dir <dir>', 'folder for auto-accepted offers', defaultDownloadDir())
  .option('--json', 'print one JSON object a line', false)
  .action(async (device: string, opts: { autoAccept?: boolean, dir: string, json: boolean }) => {
    if (opts.autoAccept === true && !await dirUsable(opts.dir, opts.json)) return
    const [{ BadAddressError, formatHostPort }, { mdnsEnabled }, { trust }, { openTrustStore }, { startEngine }, { resolvePeer }] = await Promise.all([
      import('@ferry/p2p-core'), import('@ferry/app-service/peers'), import('./commands/trust.ts'), import('./open-trust-store.ts'), import('./engine.ts'),
      import('./resolve-peer.ts')
    ])
    const out = await output(opts.json)
    try {
      // A device seen on the network but not remembered yet is looked up with a short-lived engine.
      process.exitCode = await trust(device, opts, out, await openTrustStore(out), async (query) => {
        const node = await startEngine({ host: '127.0.0.1', port: 0 })
        try {
          const found = await resolvePeer(query, { node, store: await openTrustStore(out), mdns: mdnsEnabled(true), timeoutMs: 3_000 })
          if (found.peerId === undefined) throw new BadAddressError(`${query} names no device: give the device id too, HOST:PORT/DEVICE_ID`)
          // Every address it was found at: the probe of remembered devices and sends try them all (reachAny).
          return { peerId: found.peerId, ...(found.alias === undefined ? {} : { alias: found.alias }), addresses: found.addresses.map(formatHostPort) }
        } finally {
          await node.close()
        }
      })
    } catch (err) {
      out.fail(err)
      process.exitCode = 1
    }
    process.exit()
  })

program.command('untrust')
  .description('Stop trusting a device (and auto-accepting from it); --forget removes it altogether')
  .argument('<device>', 'device id, or the name or code of a remembered device')
  .option('--forget', 'forget the device entirely', false)
  .option('--json', 'print one JSON object a line', false)
  .action(async (device: string, opts: { forget: boolean, json: boolean }) => {
    const [{ untrust }, { openTrustStore }] = await Promise.all([import('./commands/trust.ts'), import('./open-trust-store.ts')])
    const out = await output(opts.json)
    try {
      process.exitCode = await untrust(device, opts, out, await openTrustStore(out))
    } catch (err) {
      out.fail(err)
      process.exitCode = 1
    }
  })

program.command('pair')
  .description('Pair with a device that shows a PIN (`ferry receive --pair`): both then trust each other')
  .requiredOption('-t, --to <target>', 'the device: HOST:PORT[/DEVICE_ID], or its name or code', parseTarget)
  .requiredOption('--pin <pin>', 'the 6 digits the other device shows')
  .option('--no-mdns', 'look the device up among remembered devices only, not over mDNS')
  .option('--discover-timeout <ms>', 'how long to look for a device given by name', parseMilliseconds, 3_000)
  .option('--json', 'print one JSON object a line', false)
  .action(async (opts: { to: string, pin: string, mdns: boolean, discoverTimeout: number, json: boolean }) => {
    const [{ mdnsEnabled }, { pair }, { openTrustStore }] =
      await Promise.all([import('@ferry/app-service/peers'), import('./commands/pair.ts'), import('./open-trust-store.ts')])
    await run({ ...opts, host: '127.0.0.1', port: 0 }, async (node, out) =>
      await pair(node, { ...opts, mdns: mdnsEnabled(opts.mdns), discoverTimeoutMs: opts.discoverTimeout }, out, await openTrustStore(out)))
  })

program.command('ui')
  .description('Run Ferry with its UI in a browser on this computer (the engine plus the page, on 127.0.0.1)')
  .option('--open', 'open the page in the default browser', false)
  .option('-p, --port <port>', 'TCP port of the page on 127.0.0.1 (0 picks a free one; default: the last one, if free)', port)
  .option('--host <host>', 'address the engine listens on for other devices', listenHost, '0.0.0.0')
  .option('-d, --dir <dir>', 'folder for received files, until changed in Settings')
  .option('--json', 'print one JSON object a line', false)
  .option('--no-mdns', 'do not announce or look for devices over mDNS (remembered and added devices only)')
  .option('--no-localsend', 'do not speak LocalSend')
  .option('--localsend-port <port>', 'TCP port for LocalSend devices (and their multicast group)', port, 53317)
  .action(async (opts: { open: boolean, port?: number, host: string, dir?: string, json: boolean, mdns: boolean, localsend: boolean, localsendPort: number }) => {
    if (opts.dir !== undefined && !await dirUsable(opts.dir, opts.json)) return
    const [{ isLoopbackHost, mdnsEnabled }, { ui }, { localSendEnabled }] = await Promise.all([import('@ferry/app-service/peers'), import('./commands/ui.ts'), import('./localsend.ts')])
    const mdns = mdnsEnabled(opts.mdns) && !isLoopbackHost(opts.host)
    const localsend = localSendEnabled(opts.localsend) ? { port: opts.localsendPort, discovery: !isLoopbackHost(opts.host) } : undefined
    const { localsend: _on, localsendPort: _port, ...rest } = opts
    process.exitCode = await ui({ ...rest, mdns, configDir: configDir(), ...(localsend === undefined ? {} : { localsend }) }, await output(opts.json))
    process.exit()
  })

for (const command of program.commands) command.showHelpAfterError(`see ferry ${command.name()} --help`)

await program.parseAsync(args, { from: 'user' })
