// Builds packages/ui into dist/ when it is missing or older than its sources (`pnpm --filter @ferry/ui build`),
// bounded in time, so `ferry ui` from the sources (and the end-to-end tests) never serve a UI that lags behind the
// code; the production build (scripts/build.ts) builds it into a folder of its own with the same command.

import { spawn } from 'node:child_process'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Node built-ins only: the end-to-end tests' global setup imports this file outside the app.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
/** Where `pnpm --filter @ferry/ui build` writes the UI. */
export const UI_DIST = join(ROOT, 'packages/ui/dist/')
const UI_DIR = join(ROOT, 'packages/ui')
/** What the built UI is made from. */
const UI_SOURCES = ['src', 'index.html', 'vite.config.ts', 'package.json']

async function newestMtime (path: string): Promise<number> {
  const info = await stat(path).catch(() => null)
  if (info === null) return 0
  if (!info.isDirectory()) return info.mtimeMs
  let newest = info.mtimeMs
  for (const name of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, name)))
  return newest
}

export async function uiIsBuilt (distDir = UI_DIST): Promise<boolean> {
  return (await stat(join(distDir, 'index.html')).catch(() => undefined))?.isFile() === true
}

/** Built, and no source changed since. */
export async function uiIsCurrent (distDir = UI_DIST): Promise<boolean> {
  if (!await uiIsBuilt(distDir)) return false
  const built = (await stat(join(distDir, 'index.html'))).mtimeMs
  const sources = await Promise.all(UI_SOURCES.map(async (p) => await newestMtime(join(UI_DIR, p))))
  return Math.max(...sources) <= built
}

/** Runs packages/ui's build (`pnpm --filter @ferry/ui build`), into `outDir` when given, else into UI_DIST. */
export async function buildUi (options: { outDir?: string, timeoutMs?: number } = {}): Promise<void> {
  const target = options.outDir === undefined ? [] : ['--outDir', options.outDir, '--emptyOutDir']
  await new Promise<void>((resolve, reject) => {
    const child = spawn('pnpm', ['--filter', '@ferry/ui', 'build', ...target], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] })
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

export async function ensureUiBuilt (options: { timeoutMs?: number, onBuild?: () => void } = {}): Promise<void> {
  if (await uiIsCurrent(UI_DIST)) return
  options.onBuild?.()
  await buildUi({ ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) })
}
