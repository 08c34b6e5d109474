// Two network namespaces joined by a veth pair, made and removed by the test that uses them. Addresses come from a
// private test range that exists only inside these namespaces; nothing here reaches any other host.

import { execFileSync } from 'node:child_process'

export interface NetnsPair {
  a: string
  b: string
  vethA: string
  vethB: string
  addressA: string
  addressB: string
  /** Runs a command inside namespace `ns`. */
  exec: (ns: string, command: string[]) => string
  /** Drops this percentage of UDP packets leaving each namespace (nftables; the kernel here has no netem). */
  setLoss: (percent: number) => void
  /** Shapes each direction to a rate, e.g. '100mbit' (tbf). */
  setRate: (rate: string) => void
  /**
   * Puts `tc ... root netem ARGS` on both veth ends, so each direction gets it (e.g. ['delay', '50ms']); undefined
   * removes it. Replaces any tbf from setRate. Only where the kernel has netem: see tryNetem.
   */
  setNetem: (args: string[] | undefined) => void
  linkDown: () => void
  linkUp: () => void
  destroy: () => void
}

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
const tc = (...args: string[]): string => execFileSync('tc', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

/** Creates the pair, or returns the reason it cannot be made here (not root, no netns support). */
export function createNetnsPair (tag: string, subnet: number): NetnsPair | string {
  const id = `${tag}${process.pid % 100000}`
  const a = `${id}a`
  const b = `${id}b`
  const vethA = `${id}va`.slice(0, 15)
  const vethB = `${id}vb`.slice(0, 15)
  const addressA = `10.254.${subnet}.1`
  const addressB = `10.254.${subnet}.2`
  try {
    ip('netns', 'add', a)
  } catch (err) {
    return `network namespaces are not available here: ${(err as Error).message.split('\n')[0] ?? ''}`
  }
  const pair: NetnsPair = {
    a, b, vethA, vethB, addressA, addressB,
    exec: (ns, command) => execFileSync('ip', ['netns', 'exec', ns, ...command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    setLoss (percent) {
      for (const ns of [a, b]) {
        try { pair.exec(ns, ['nft', 'delete', 'table', 'inet', 'ferrytest']) } catch { /* not there yet */ }
        if (percent <= 0) continue
        pair.exec(ns, ['nft', 'add', 'table', 'inet', 'ferrytest'])
        pair.exec(ns, ['nft', 'add', 'chain', 'inet', 'ferrytest', 'out', '{ type filter hook output priority 0; }'])
        pair.exec(ns, ['nft', 'add', 'rule', 'inet', 'ferrytest', 'out', 'meta', 'l4proto', 'udp', 'numgen', 'random', 'mod', '100', '<', String(percent), 'drop'])
      }
    },
    setRate (rate) {
      for (const [ns, dev] of [[a, vethA], [b, vethB]] as const) {
        try { tc('-n', ns, 'qdisc', 'del', 'dev', dev, 'root') } catch { /* none yet */ }
        tc('-n', ns, 'qdisc', 'add', 'dev', dev, 'root', 'tbf', 'rate', rate, 'burst', '256kb', 'latency', '50ms')
      }
    },
    setNetem (args) {
      for (const [ns, dev] of [[a, vethA], [b, vethB]] as const) {
        if (args === undefined) {
          try { tc('-n', ns, 'qdisc', 'del', 'dev', dev, 'root') } catch { /* none */ }
        } else {
          tc('-n', ns, 'qdisc', 'replace', 'dev', dev, 'root', 'netem', ...args)
        }
      }
    },
    linkDown () { ip('-n', a, 'link', 'set', vethA, 'down') },
    linkUp () { ip('-n', a, 'link', 'set', vethA, 'up') },
    destroy () {
      for (const ns of [a, b]) {
        try { ip('netns', 'del', ns) } catch { /* already gone */ }
      }
    }
  }
  try {
    ip('netns', 'add', b)
    ip('link', 'add', vethA, 'type', 'veth', 'peer', 'name', vethB)
    ip('link', 'set', vethA, 'netns', a)
    ip('link', 'set', vethB, 'netns', b)
    ip('-n', a, 'addr', 'add', `${addressA}/30`, 'dev', vethA)
    ip('-n', b, 'addr', 'add', `${addressB}/30`, 'dev', vethB)
    for (const [ns, dev] of [[a, vethA], [b, vethB]] as const) {
      ip('-n', ns, 'link', 'set', dev, 'up')
      ip('-n', ns, 'link', 'set', 'lo', 'up')
    }
  } catch (err) {
    pair.destroy()
    return `could not set up the namespaces: ${(err as Error).message.split('\n')[0] ?? ''}`
  }
  return pair
}

/**
 * Tries `tc qdisc replace dev VETH root netem ARGS` for each ARGS on a veth pair inside a throwaway namespace `ns`
 * (made here and removed again whatever happens; nothing touches the host's own interfaces). Each answer is 'ok' or
 * the first line tc printed. tc parses the arguments itself before it asks the kernel, so on a kernel without netem
 * well-formed arguments all fail alike ("Specified qdisc kind is unknown") and malformed ones fail differently.
 * Returns a string when the namespace cannot be made at all.
 */
export function tryNetem (ns: string, argSets: string[][]): string[] | string {
  try {
    ip('netns', 'add', ns)
  } catch (err) {
    return `network namespaces are not available here: ${firstLine(err)}`
  }
  try {
    ip('-n', ns, 'link', 'add', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1')
    ip('-n', ns, 'link', 'set', 'probe0', 'up')
    return argSets.map((args) => {
      try {
        tc('-n', ns, 'qdisc', 'replace', 'dev', 'probe0', 'root', 'netem', ...args)
        return 'ok'
      } catch (err) {
        return firstLine(err)
      }
    })
  } catch (err) {
    return `could not set up a namespace to probe for netem: ${firstLine(err)}`
  } finally {
    try { ip('netns', 'del', ns) } catch { /* already gone */ }
  }
}

/** The first line a failed command wrote to stderr, else its error message's. */
function firstLine (err: unknown): string {
  const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim()
  return (stderr === '' ? (err as Error).message : stderr).split('\n')[0] ?? ''
}
