// Issue 15: `ferry ui` prints a one-time launch link, never a long-lived secret; --open hands the opener a file
// (mode 0600) that forwards to the link, so the opener's command line, readable by every local user in /proc, holds
// no secret; Enter prints a new link, SIGHUP signs every page out; a restart comes back on the same port.

import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ensureUiBuilt } from '../src/ui-server/build-ui.ts'
import { runFerry, type CliRun } from './helpers/cli-process.ts'

let dir: string
const children: CliRun[] = []
beforeAll(async () => { await ensureUiBuilt({ timeoutMs: 50_000 }) })
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ferry-ui-cmd-')) })
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.child.exitCode === null) {
      c.child.kill('SIGTERM')
      await c.exited
    }
  }
  await rm(dir, { recursive: true, force: true })
})

function ferryUi (extra: string[] = [], env: Record<string, string> = {}): CliRun {
  const run = runFerry(['ui', '--json', '--host', '127.0.0.1', '--dir', join(dir, 'downloads'), ...extra], { FERRY_CONFIG_DIR: join(dir, 'config'), ...env })
  children.push(run)
  return run
}

async function stop (run: CliRun): Promise<void> {
  run.child.kill('SIGTERM')
  await run.exited
}

describe('ferry ui (issue 15)', () => {
  it('prints a one-time launch link, a new one on Enter, and signs every page out on SIGHUP', async () => {
    const run = ferryUi()
    const first = await run.waitFor('ui', 60_000)
    expect(first.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${first.port as number}/\\?launch=[\\w-]{22}$`))
    expect(first.launchLinkTtlMs).toBe(120_000)
    run.child.stdin?.write('\n')
    const next = await run.waitFor('launch')
    expect(next.url).toMatch(/\?launch=[\w-]{22}$/)
    expect(next.url).not.toBe(first.url)
    run.child.kill('SIGHUP')
    const rotated = await run.waitFor('rotated')
    expect(rotated.url).toMatch(/\?launch=[\w-]{22}$/)
    await stop(run)
    const { stdout } = await run.exited
    expect(stdout).not.toMatch(/token/i)
  })

  it('--open gives the opener only a private file that forwards to the link, never the link itself', async () => {
    // A stand-in xdg-open that records the arguments it was started with.
    const bin = join(dir, 'bin')
    await mkdir(bin)
    await writeFile(join(bin, 'xdg-open'), `#!${process.execPath}\nrequire('node:fs').writeFileSync(${JSON.stringify(join(dir, 'opened.json'))}, JSON.stringify(process.argv.slice(2)))\n`)
    await chmod(join(bin, 'xdg-open'), 0o755)
    const run = ferryUi(['--open'], { PATH: `${bin}:${process.env.PATH ?? ''}` })
    await run.waitFor('ui', 60_000)
    let argv: string[] = []
    await expect.poll(async () => { argv = JSON.parse(await readFile(join(dir, 'opened.json'), 'utf8').catch(() => '[]')) as string[]; return argv.length }, { timeout: 10_000 }).toBe(1)
    const file = argv[0] as string
    expect(file).toBe(join(dir, 'config', 'ui-launch.html'))
    expect(argv.join(' ')).not.toMatch(/launch=|session|token/)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect(await readFile(file, 'utf8')).toMatch(/<meta http-equiv="refresh" content="0;url=http:\/\/127\.0\.0\.1:\d+\/\?launch=[\w-]{22}">/)
    await stop(run)
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('comes back on the same port after a restart, so an open tab finds it (and is told to sign in again)', async () => {
    const first = ferryUi()
    const { port } = await first.waitFor('ui', 60_000)
    await stop(first)
    const second = ferryUi()
    expect((await second.waitFor('ui', 60_000)).port).toBe(port)
  })
})
