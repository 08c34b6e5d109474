// How the two-process tools are started on a path: the Ferry CLI, and the plain TCP baseline beside it.
import type { JsonLine } from './child.ts'
import { readNumber, readString } from './child.ts'
import type { NetPath } from './types.ts'

/** The command lines of one tool's two sides; `node` (process.execPath) is prepended by the runner. */
export interface PairSpec {
  tool: 'ferry' | 'tcp' | 'localsend-to' | 'localsend-from'
  /** The receiver's line the sender waits for (default 'listening'). */
  ready?: string
  receiverArgs(receiveDir: string, path: NetPath): string[]
  /** Throws if the receiver's listening line is unusable, including any address other than the path's receiver. */
  senderArgs(source: string, listening: JsonLine, path: NetPath): string[]
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export function ferrySpec(cliMain: string): PairSpec {
  return {
    tool: 'ferry',
    // --host: the receiver binds the path's receiving address only (its default is every interface).
    receiverArgs: (receiveDir, path) => [cliMain, 'receive', '--dir', receiveDir, '--host', path.receiverHost, '--port', '0', '--yes', '--once', '--json'],
    senderArgs: (source, listening, path) => {
      const address = readString(listening, 'address')
      if (!address || !new RegExp(`^${escapeRegExp(path.receiverHost)}:\\d{1,5}/\\S+$`).test(address)) {
        throw new Error(`receiver's listening line has no ${path.receiverHost} address: ${JSON.stringify(listening)}`)
      }
      return [cliMain, 'send', source, '--to', address, '--json']
    }
  }
}

export function tcpSpec(baselineScript: string): PairSpec {
  return {
    tool: 'tcp',
    receiverArgs: (receiveDir, path) => [baselineScript, 'recv', '--dir', receiveDir, '--host', path.receiverHost],
    senderArgs: (source, listening, path) => {
      const port = readNumber(listening, 'port')
      if (port === undefined) throw new Error(`baseline receiver's listening line has no port: ${JSON.stringify(listening)}`)
      return [baselineScript, 'send', source, '--host', path.receiverHost, '--port', String(port)]
    }
  }
}

/** `ferry send` to a LocalSend receiver (bench/localsend-peer.ts), over LocalSend's HTTPS. */
export function localSendToSpec(cliMain: string, peerScript: string): PairSpec {
  return {
    tool: 'localsend-to',
    receiverArgs: (receiveDir, path) => [peerScript, 'recv', '--dir', receiveDir, '--host', path.receiverHost],
    senderArgs: (source, listening, path) => {
      const port = readNumber(listening, 'port')
      if (port === undefined) throw new Error(`LocalSend peer's listening line has no port: ${JSON.stringify(listening)}`)
      return [cliMain, 'send', source, '--to', `localsend://${path.receiverHost}:${port}`, '--json']
    }
  }
}

/** A LocalSend sender (bench/localsend-peer.ts) to `ferry receive`'s LocalSend server, over HTTPS. */
export function localSendFromSpec(cliMain: string, peerScript: string): PairSpec {
  return {
    tool: 'localsend-from',
    ready: 'localsend',
    receiverArgs: (receiveDir, path) => [cliMain, 'receive', '--dir', receiveDir, '--host', path.receiverHost, '--port', '0', '--localsend-port', '0', '--yes', '--once', '--json'],
    senderArgs: (source, ready, path) => {
      const port = readNumber(ready, 'port')
      if (port === undefined) throw new Error(`ferry receive's localsend line has no port: ${JSON.stringify(ready)}`)
      return [peerScript, 'send', source, '--host', path.receiverHost, '--port', String(port)]
    }
  }
}
