// Builds packages/ui into dist/ when it is missing (`pnpm --filter @ferry/ui build`), bounded in time.

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { UI_DIST, uiIsBuilt } from './ui-server.ts'

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))

export async function ensureUiBuilt (options: { timeoutMs?: number, onBuild?: () => void } = {}): Promise<void> {
  if (await uiIsBuilt(UI_DIST)) return
  options.onBuild?.()
  await new Promise<void>((resolve, reject) => {
    const child = spawn('pnpm', ['--filter', '@ferry/ui', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4_000) })
    const timer = setTimeout(() => { child.kill() }, options.timeoutMs ?? 120_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve()
      else reject(new Error(`Building the UI failed (pnpm --filter @ferry/ui build, exit ${code}):\n${stderr}`))
    })
  })
}
