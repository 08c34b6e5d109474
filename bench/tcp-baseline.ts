// Entry point of the TCP baseline children, spawned by run.ts:
//   node bench/tcp-baseline.ts recv --dir <dir> [--host H]       prints {"type":"listening","port":N}, then received + stats
//   node bench/tcp-baseline.ts send <path> --port <n> [--host H]  prints done + stats
// The host is 127.0.0.1 (the default) or one of the bench's namespace addresses; nothing else is accepted.
import { parseArgs } from 'node:util'
import { RECEIVER_ADDRESS } from './netns.ts'
import { receive } from './tcp-recv.ts'
import { send } from './tcp-send.ts'

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { dir: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } }
  })
  const [role, path] = positionals
  const host = values.host ?? '127.0.0.1'
  if (host !== '127.0.0.1' && host !== RECEIVER_ADDRESS) throw new Error(`host must be 127.0.0.1 or ${RECEIVER_ADDRESS}, got ${host}`)
  if (role === 'recv' && values.dir) return receive(values.dir, host)
  const port = Number(values.port)
  if (role === 'send' && path && Number.isInteger(port) && port > 0 && port < 65536) return send(path, host, port)
  throw new Error('usage: tcp-baseline.ts recv --dir <dir> [--host H] | send <path> --port <port> [--host H]')
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err)
  process.stdout.write(`${JSON.stringify({ type: 'error', code: 'BENCH_TCP_FAILED', message })}\n`)
  process.stderr.write(`${err instanceof Error && err.stack ? err.stack : message}\n`)
  process.exit(1)
})
