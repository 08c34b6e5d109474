// Starts test/fixtures/receiver-process.ts in a child process and talks to it over IPC (its port, its memory).

import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type {
  LocalSendReceiverConfig, LocalSendReceiverMessage, LocalSendReceiverRequest, LocalSendReceiverStats
} from '../fixtures/receiver-process.ts'

const SCRIPT = fileURLToPath(new URL('../fixtures/receiver-process.ts', import.meta.url))
const REPLY_TIMEOUT_MS = 20_000

export interface LocalSendReceiverProcess {
  port: number
  stats: () => Promise<LocalSendReceiverStats>
  close: () => Promise<void>
}

export async function startReceiverProcess (config: LocalSendReceiverConfig): Promise<LocalSendReceiverProcess> {
  const child = fork(SCRIPT, [JSON.stringify(config)], { execArgv: ['--no-warnings', '--expose-gc'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`the receiver process did not start: ${stderr}`)) }, REPLY_TIMEOUT_MS)
    child.once('message', (m: LocalSendReceiverMessage) => { clearTimeout(timer); if (m.type === 'ready') resolve(m.port) })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the receiver process exited with ${code ?? 'a signal'}: ${stderr}`)) })
  })
  let nextId = 1
  return {
    port,
    stats: async () => {
      const id = nextId++
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => { child.off('message', onMessage); reject(new Error(`no stats within ${REPLY_TIMEOUT_MS} ms: ${stderr}`)) }, REPLY_TIMEOUT_MS)
        const onMessage = (m: LocalSendReceiverMessage): void => {
          if (m.type !== 'reply' || m.id !== id) return
          clearTimeout(timer)
          child.off('message', onMessage)
          resolve(m.stats)
        }
        child.on('message', onMessage)
        child.send({ id, type: 'stats' } satisfies LocalSendReceiverRequest)
      })
    },
    async close () {
      if (child.exitCode === null && child.signalCode === null) {
        child.send({ id: 0, type: 'stop' } satisfies LocalSendReceiverRequest)
        const timer = setTimeout(() => { child.kill('SIGKILL') }, 5_000)
        await exited
        clearTimeout(timer)
      }
    }
  }
}
