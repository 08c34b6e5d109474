// Whether Ferry's browser share can be benchmarked here: `ferry share` must answer --help, Debian's Chromium must be
// installed, and playwright-core must resolve. Otherwise the browser rows say why, and the rest of the bench runs.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const CHROMIUM_PATH = '/usr/bin/chromium'
const HELP_TIMEOUT_MS = 30_000

/** Undefined when the browser tools can run; else the reason they are skipped. */
export async function browserSkipReason(cliMain: string): Promise<string | undefined> {
  try {
    await run(process.execPath, [cliMain, 'share', '--help'], { timeout: HELP_TIMEOUT_MS })
  } catch (err) {
    const e = err as { stderr?: string; message?: string }
    return `not built yet: \`ferry share --help\` fails (${(e.stderr || e.message || '').trim().split('\n')[0] ?? ''})`
  }
  if (!existsSync(CHROMIUM_PATH)) return `Chromium not found at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (pnpm run setup:test does)`
  try {
    import.meta.resolve('playwright-core')
  } catch {
    return 'playwright-core is not installed: run `pnpm install`'
  }
  return undefined
}
