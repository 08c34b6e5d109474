// How each tool under test is started: the Ferry CLI, and the plain TCP baseline beside it.
import type { JsonLine } from './child.ts'
import { readNumber, readString } from './child.ts'
import type { Tool } from './types.ts'

/** The command lines of one tool's two sides; `node` (process.execPath) is prepended by the runner. */
export interface ToolSpec {
  tool: Tool
  receiverArgs(receiveDir: string): string[]
  /** Throws if the receiver's listening line is unusable, including any address other than 127.0.0.1. */
  senderArgs(source: string, listening: JsonLine): string[]
}

const LOOPBACK_ADDRESS = /^127\.0\.0\.1:\d{1,5}\/\S+$/

export function ferrySpec(cliMain: string): ToolSpec {
  return {
    tool: 'ferry',
    // --host: the receiver binds loopback only (its default is every interface).
    receiverArgs: (receiveDir) => [cliMain, 'receive', '--dir', receiveDir, '--host', '127.0.0.1', '--port', '0', '--yes', '--once', '--json'],
    senderArgs: (source, listening) => {
      const address = readString(listening, 'address')
      if (!address || !LOOPBACK_ADDRESS.test(address)) {
        throw new Error(`receiver's listening line has no 127.0.0.1 address: ${JSON.stringify(listening)}`)
      }
      return [cliMain, 'send', source, '--to', address, '--json']
    }
  }
}

export function tcpSpec(baselineScript: string): ToolSpec {
  return {
    tool: 'tcp',
    receiverArgs: (receiveDir) => [baselineScript, 'recv', '--dir', receiveDir],
    senderArgs: (source, listening) => {
      const port = readNumber(listening, 'port')
      if (port === undefined) throw new Error(`baseline receiver's listening line has no port: ${JSON.stringify(listening)}`)
      return [baselineScript, 'send', source, '--port', String(port)]
    }
  }
}
