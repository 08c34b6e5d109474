// Two `ferry` processes in a namespace pair: a receiver in B listening on B's address, a sender in A, each with its
// own config folder under `dir`, all tracked in `children` so the suite can kill what is left.

import { join } from 'node:path'
import { runFerry, type CliRun } from './cli-process.ts'
import type { NetnsPair } from './netns.ts'

export interface NetnsFerry {
  receiver: (dest: string, extra?: readonly string[]) => CliRun
  sender: (to: string, paths: readonly string[]) => CliRun
  /** The receiver's `HOST:PORT/PEER_ID`, once it listens. */
  addressOf: (receiver: CliRun) => Promise<string>
}

export function netnsFerry (pair: NetnsPair, dir: string, children: CliRun[]): NetnsFerry {
  const track = (run: CliRun): CliRun => {
    children.push(run)
    return run
  }
  return {
    receiver: (dest, extra = []) => track(runFerry(['receive', '--dir', dest, '--host', pair.addressB, '--yes', '--json', ...extra], { FERRY_CONFIG_DIR: join(dir, 'receiver-config') }, ['ip', 'netns', 'exec', pair.b])),
    sender: (to, paths) => track(runFerry(['send', ...paths, '--to', to, '--json'], { FERRY_CONFIG_DIR: join(dir, 'sender-config') }, ['ip', 'netns', 'exec', pair.a])),
    addressOf: async (receiver) => {
      const listening = await receiver.waitFor('listening')
      return `${pair.addressB}:${String(listening.port)}/${String(listening.peerId)}`
    }
  }
}
