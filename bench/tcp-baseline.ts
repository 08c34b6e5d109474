// Entry point of the TCP baseline children, spawned by run.ts:
//   node bench/tcp-baseline.ts recv --dir <dir>       prints {"type":"listening","port":N}, then received + stats
//   node bench/tcp-baseline.ts send <path> --port <n>  prints done + stats
// Loopback only: the receiver binds 127.0.0.1 and the sender connects to it.
import { parseArgs } from 'node:util'
import { receive } from './tcp-recv.ts'
import { send } from './tcp-send.ts'

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { dir: { type: 'string' }, port: { type: 'string' } }
  })
  const [role, path] = positionals
  if (role === 'recv' && values.dir) return receive(values.dir)
  const port = Number(values.port)
  if (role === 'send' && path && Number.isInteger(port) && port > 0 && port < 65536) return send(path, port)
  throw new Error('usage: tcp-baseline.ts recv --dir <dir> | send <path> --port <port>')
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err)
  process.stdout.write(`${JSON.stringify({ type: 'error', code: 'BENCH_TCP_FAILED', message })}\n`)
  process.stderr.write(`${err instanceof Error && err.stack ? err.stack : message}\n`)
  process.exit(1)
})
