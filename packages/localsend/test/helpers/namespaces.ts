// The namespace pair is p2p-core's test helper (names unique to the run, removed on failure and at exit); this
// starts one of this package's scripts inside a namespace and collects its JSON-line events.

import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { createNamespacePair as createPair, type NamespacePair } from '../../../p2p-core/test/netns/namespaces.ts'

export type { NamespacePair }

export async function createNamespacePair (_tag: string): Promise<NamespacePair | { skip: string }> {
  return await createPair()
}

export interface ScriptProcess {
  child: ChildProcess
  events: Array<Record<string, unknown>>
  waitFor: (match: (event: Record<string, unknown>) => boolean, timeoutMs: number) => Promise<Record<string, unknown>>
  kill: () => void
}

export function startScript (ns: string, script: string, config: Record<string, unknown>): ScriptProcess {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--no-warnings', script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] })
  const events: Array<Record<string, unknown>> = []
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try { events.push(JSON.parse(line) as Record<string, unknown>) } catch { /* not ours */ }
  })
  return {
    child,
    events,
    async waitFor (match, timeoutMs) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = events.find(match)
        if (found !== undefined) return found
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no matching event within ${timeoutMs} ms; events: ${JSON.stringify(events).slice(0, 3000)}; stderr: ${stderr}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },
    kill () {
      try { if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL') } catch { /* already exited */ }
    }
  }
}
