#!/usr/bin/env node
// The `ferry` command's composition root: parse arguments, build the one engine, run the command, exit.

import { readFileSync } from 'node:fs'
import { Command, InvalidArgumentError, Option } from 'commander'
import type { FerryNode } from '@ferry/p2p-core'
import { defaultDownloadDir } from './config-dir.ts'
import { startEngine } from './engine.ts'
import { createOutput } from './output.ts'
import { startProcessStats } from './process-stats.ts'
import { receive } from './commands/receive.ts'
import { send } from './commands/send.ts'

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }

function port (value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535')
  return n
}

/** Runs a command on a fresh engine, prints stats with --json, closes the engine and sets the exit code. */
async function run (options: { json?: boolean, host: string, port: number, alias?: string }, body: (node: FerryNode, out: ReturnType<typeof createOutput>) => Promise<number>): Promise<void> {
  const stats = startProcessStats()
  const out = createOutput({ json: options.json === true })
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

const program = new Command()
  .name('ferry')
  .description('Send files to a computer on the same network: fast, verified (BLAKE3), resumable.')
  .version(version)
  .showHelpAfterError()

program.command('receive')
  .description('Wait for files and ask about each offer (or accept with --yes)')
  .option('-d, --dir <dir>', 'folder to save into', defaultDownloadDir())
  .option('-p, --port <port>', 'UDP port to listen on (0 picks a free one)', port, 0)
  .option('--host <host>', 'address to listen on', '0.0.0.0')
  .option('--alias <name>', 'name shown to senders')
  .option('-y, --yes', 'accept every offer without asking', false)
  .option('--once', 'exit after the first transfer', false)
  .option('--json', 'print one JSON object a line', false)
  .action(async (opts: { dir: string, port: number, host: string, alias?: string, yes: boolean, once: boolean, json: boolean }) => {
    await run(opts, async (node, out) => await receive(node, opts, out))
    if (!opts.once) process.exit()
  })

program.command('send')
  .description('Send files and folders (and/or a text) to a device')
  .argument('[paths...]', 'files and folders to send')
  .requiredOption('-t, --to <target>', 'the receiver: HOST:PORT or HOST:PORT/DEVICE_ID (as `ferry receive` prints)')
  .addOption(new Option('--text <message>', 'a text message to send with (or instead of) files'))
  .option('--json', 'print progress and the result as JSON lines', false)
  .action(async (paths: string[], opts: { to: string, text?: string, json: boolean }) => {
    // A sender accepts nothing: its engine's listener stays on loopback.
    await run({ ...opts, host: '127.0.0.1', port: 0 }, async (node, out) => await send(node, paths, opts, out))
  })

// `pnpm ferry -- send ...` hands the `--` through; it is not part of Ferry's arguments.
const args = process.argv.slice(2)
if (args[0] === '--') args.shift()
await program.parseAsync(args, { from: 'user' })
