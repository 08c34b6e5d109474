// Two network namespaces joined by a veth pair, made and removed by the namespace tests. Names are unique to the
// run (the test process id), the addresses a private /30 that exists only inside the two namespaces, and
// multicast is routed over the veth. Nothing here touches the host's own interfaces or sends outside the pair.

import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface NamespacePair {
  a: { name: string, address: string }
  b: { name: string, address: string }
  /** Runs a command inside a namespace. */
  exec: (ns: string, args: string[]) => Promise<void>
  remove: () => void
}

/** Creates the pair, or returns why it cannot (not root, no `ip`, namespaces not allowed here). */
export async function createNamespacePair (): Promise<NamespacePair | { skip: string }> {
  const id = process.pid
  const a = { name: `ferry-${id}-a`, veth: `fy${id}a`.slice(0, 15), address: '10.254.0.1' }
  const b = { name: `ferry-${id}-b`, veth: `fy${id}b`.slice(0, 15), address: '10.254.0.2' }
  const remove = (): void => {
    // Deleting a namespace deletes the veth end inside it, and with it the pair.
    for (const ns of [a.name, b.name]) {
      try { execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }) } catch { /* already gone */ }
    }
  }
  try {
    await run('ip', ['netns', 'add', a.name])
  } catch (err) {
    return { skip: `cannot create a network namespace here (${(err as Error).message.split('\n')[0] ?? ''}); run as root on Linux with iproute2` }
  }
  process.once('exit', remove)
  try {
    await run('ip', ['netns', 'add', b.name])
    await run('ip', ['link', 'add', a.veth, 'type', 'veth', 'peer', 'name', b.veth])
    for (const side of [a, b]) {
      await run('ip', ['link', 'set', side.veth, 'netns', side.name])
      await run('ip', ['-n', side.name, 'addr', 'add', `${side.address}/30`, 'dev', side.veth])
      await run('ip', ['-n', side.name, 'link', 'set', 'lo', 'up'])
      await run('ip', ['-n', side.name, 'link', 'set', side.veth, 'up'])
      await run('ip', ['-n', side.name, 'route', 'add', '224.0.0.0/4', 'dev', side.veth])
    }
  } catch (err) {
    remove()
    throw err
  }
  return {
    a: { name: a.name, address: a.address },
    b: { name: b.name, address: b.address },
    exec: async (ns, args) => { await run('ip', ['netns', 'exec', ns, ...args]) },
    remove
  }
}

/** Where nft lives, or undefined. */
export function findNft (): string | undefined {
  for (const path of ['/usr/sbin/nft', '/sbin/nft', '/usr/bin/nft']) {
    try {
      execFileSync(path, ['--version'], { stdio: 'ignore' })
      return path
    } catch { /* try the next */ }
  }
  return undefined
}

/** Drops mDNS (UDP port 5353) both ways inside a namespace, as an access point that blocks multicast does. */
export async function dropMdns (pair: NamespacePair, ns: string, nft: string): Promise<void> {
  await pair.exec(ns, [nft, 'add', 'table', 'inet', 'ferrytest'])
  await pair.exec(ns, [nft, 'add chain inet ferrytest in { type filter hook input priority 0 ; }'])
  await pair.exec(ns, [nft, 'add chain inet ferrytest out { type filter hook output priority 0 ; }'])
  await pair.exec(ns, [nft, 'add', 'rule', 'inet', 'ferrytest', 'in', 'udp', 'dport', '5353', 'drop'])
  await pair.exec(ns, [nft, 'add', 'rule', 'inet', 'ferrytest', 'out', 'udp', 'dport', '5353', 'drop'])
}

export interface PeerProcess {
  child: ChildProcess
  events: Array<Record<string, unknown>>
  /** The first event (from `from` on) matching, or an error after `timeoutMs`. */
  waitFor: (match: (event: Record<string, unknown>) => boolean, timeoutMs: number, from?: number) => Promise<Record<string, unknown>>
  command: (command: Record<string, unknown>) => void
  kill: (signal?: NodeJS.Signals) => void
}

/** Starts the discovery-peer fixture inside a namespace. */
export function startPeer (ns: string, config: Record<string, unknown>): PeerProcess {
  const script = new URL('./discovery-peer.ts', import.meta.url).pathname
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, script, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] })
  const events: Array<Record<string, unknown>> = []
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try { events.push(JSON.parse(line) as Record<string, unknown>) } catch { /* not ours */ }
  })
  return {
    child,
    events,
    async waitFor (match, timeoutMs, from = 0) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = events.slice(from).find(match)
        if (found !== undefined) return found
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no matching event within ${timeoutMs} ms; events: ${JSON.stringify(events)}; stderr: ${stderr}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },
    command (command) { child.stdin?.write(`${JSON.stringify(command)}\n`) },
    kill (signal = 'SIGKILL') {
      try { if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, signal) } catch { /* already exited */ }
    }
  }
}
