// Two network namespaces joined by a veth pair, made and removed by the bench itself: the sending side in one, the
// receiving side in the other, 10.254.200.1 and 10.254.200.2 (a private /30 that exists only inside them), each
// veth end shaped to 1 Gbit/s with tbf. Names are unique to the run; the pair is removed in `remove()`, which the
// runner calls in `finally`, at exit and on SIGINT/SIGTERM.
//
// The 0.5 ms delay of the issue needs netem, which this kernel lacks: then it is reported as not emulated, never
// faked. Loss for path (c) is an nftables rule inside each namespace dropping N % of what leaves over the veth,
// every protocol alike. The kernel hands the veth whole segmentation-offload units (TCP up to 64 KB, QUIC's UDP
// GSO batches of about eight packets), so the rule drops N % of units, not of wire packets; dropping single wire
// packets would need the offload off, which costs TCP half its throughput on this machine. The counters of the
// rule give each run's mean unit size, so the report says what was dropped.
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)
/** ip, tc and nft answer in milliseconds; a hung one is killed (by its own PID, by execFile) rather than waited on. */
const COMMAND_TIMEOUT_MS = 30_000
const run = (file: string, args: string[]): Promise<{ stdout: string }> => execFileAsync(file, args, { timeout: COMMAND_TIMEOUT_MS, killSignal: 'SIGKILL' })

export const SENDER_ADDRESS = '10.254.200.1'
export const RECEIVER_ADDRESS = '10.254.200.2'
const RATE = '1gbit'
/** tbf's bucket and queue: the values measured in DESIGN.md (about 93 % of the payload line rate for QUIC). */
const TBF = ['burst', '256kb', 'latency', '50ms']
const DELAY = '0.5ms'
const NFT_TABLE = 'ferrybench'

/** What left over the veth on both sides during a stretch of time, and how much of it the loss rule dropped. */
export interface LinkCounters {
  units: number
  bytes: number
  dropped: number
}

export interface NamespacePair {
  senderNs: string
  receiverNs: string
  /** Empty when the delay is really applied; else why it is not (no netem). */
  delayNote: string
  /** Drops `percent` % of the units leaving each side over the veth (0 removes the rule). */
  setLoss(percent: number): Promise<void>
  /** Totals of the loss rule's counters since setLoss, both sides together; undefined without a loss rule. */
  readCounters(): Promise<LinkCounters | undefined>
  /** Synchronous, so it can run in a signal handler or at exit. */
  remove(): void
}

async function ip(args: string[]): Promise<void> {
  await run('ip', args)
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string }
  return (e.stderr || e.message || String(err)).trim().split('\n')[0] ?? ''
}

/** Finds nft, or undefined (then path (c) is skipped with the install command). */
export function findNft(): string | undefined {
  for (const path of ['/usr/sbin/nft', '/sbin/nft', '/usr/bin/nft']) {
    try {
      execFileSync(path, ['--version'], { stdio: 'ignore', timeout: COMMAND_TIMEOUT_MS })
      return path
    } catch {
      // Try the next place.
    }
  }
  return undefined
}

/** netem as the root qdisc with tbf under it where the kernel has netem; tbf alone (and a note) where it does not. */
async function shape(ns: string, dev: string): Promise<string> {
  try {
    await run('tc', ['-n', ns, 'qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', 'netem', 'delay', DELAY])
  } catch (err) {
    await run('tc', ['-n', ns, 'qdisc', 'add', 'dev', dev, 'root', 'tbf', 'rate', RATE, ...TBF])
    return `delay not emulated: no netem in this kernel (tc: ${firstLine(err).replace(/^Error: /, '')}), so 0.5 ms each way is missing; rate only`
  }
  await run('tc', ['-n', ns, 'qdisc', 'add', 'dev', dev, 'parent', '1:1', 'handle', '10:', 'tbf', 'rate', RATE, ...TBF])
  return ''
}

/** Creates the pair, or returns why it cannot be made here (not root, no iproute2, namespaces not allowed). */
export async function createNamespacePair(nft: string | undefined): Promise<NamespacePair | { skip: string }> {
  const id = `${process.pid}`
  const sides = [
    { ns: `ferrybench-${id}-tx`, veth: `fb${id}tx`.slice(0, 15), address: SENDER_ADDRESS },
    { ns: `ferrybench-${id}-rx`, veth: `fb${id}rx`.slice(0, 15), address: RECEIVER_ADDRESS }
  ]
  const remove = (): void => {
    // Deleting a namespace deletes the veth end inside it, and with it the pair and its qdiscs and rules.
    for (const { ns } of sides) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: COMMAND_TIMEOUT_MS })
      } catch {
        // Already gone (or never made).
      }
    }
  }
  if (process.getuid?.() !== 0) return { skip: 'network namespaces need root' }
  try {
    await ip(['netns', 'add', sides[0].ns])
  } catch (err) {
    return { skip: `cannot create a network namespace here: ${firstLine(err)}` }
  }
  process.once('exit', remove)
  let delayNote = ''
  try {
    await ip(['netns', 'add', sides[1].ns])
    await ip(['link', 'add', sides[0].veth, 'type', 'veth', 'peer', 'name', sides[1].veth])
    for (const side of sides) {
      await ip(['link', 'set', side.veth, 'netns', side.ns])
      await ip(['-n', side.ns, 'addr', 'add', `${side.address}/30`, 'dev', side.veth])
      await ip(['-n', side.ns, 'link', 'set', 'lo', 'up'])
      await ip(['-n', side.ns, 'link', 'set', side.veth, 'up'])
      delayNote = await shape(side.ns, side.veth)
    }
  } catch (err) {
    remove()
    return { skip: `could not set up the namespaces: ${firstLine(err)}` }
  }
  return {
    senderNs: sides[0].ns,
    receiverNs: sides[1].ns,
    delayNote,
    async setLoss(percent) {
      if (!nft) throw new Error('nft is not installed')
      for (const side of sides) {
        const exec = (args: string[]): Promise<unknown> => run('ip', ['netns', 'exec', side.ns, nft, ...args])
        await exec(['delete', 'table', 'inet', NFT_TABLE]).catch(() => {}) // not there yet
        if (percent <= 0) continue
        await exec(['add', 'table', 'inet', NFT_TABLE])
        await exec(['add', 'chain', 'inet', NFT_TABLE, 'out', '{ type filter hook output priority 0; }'])
        // Only what leaves over the veth: each side's own loopback traffic is not part of the link.
        await exec(['add', 'rule', 'inet', NFT_TABLE, 'out', 'oifname', side.veth, 'counter'])
        await exec(['add', 'rule', 'inet', NFT_TABLE, 'out', 'oifname', side.veth, 'numgen', 'random', 'mod', '100', '<', String(percent), 'counter', 'drop'])
      }
    },
    async readCounters() {
      if (!nft) return undefined
      const total: LinkCounters = { units: 0, bytes: 0, dropped: 0 }
      for (const side of sides) {
        let text: string
        try {
          text = (await run('ip', ['netns', 'exec', side.ns, nft, 'list', 'table', 'inet', NFT_TABLE])).stdout
        } catch {
          return undefined // no loss rule
        }
        const counters = [...text.matchAll(/counter packets (\d+) bytes (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])])
        if (counters.length !== 2) return undefined
        total.units += counters[0][0]
        total.bytes += counters[0][1]
        total.dropped += counters[1][0]
      }
      return total
    },
    remove() {
      process.off('exit', remove)
      remove()
    }
  }
}
