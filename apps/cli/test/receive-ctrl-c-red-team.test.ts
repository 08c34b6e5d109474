// Red team, from the docs only: "A receiver's reason for stopping a transfer reaches its sender, and the sender does
// not come back with the offer" (docs/guarantees.md), through the real commands: Ctrl-C on `ferry receive` during a
// transfer is a cancel that `ferry send` reports with its code, on one offer; the receiver goes on waiting.

import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { exitWithin, runFerry, type CliRun } from './helpers/cli-process.ts'

const runs: CliRun[] = []
const dirs: string[] = []
afterEach(async () => {
  for (const run of runs.splice(0)) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL')
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

describe('red team: Ctrl-C on ferry receive during a transfer', () => {
  it('cancels it: ferry send ends with FERRY_ERR_CANCELLED after one offer, and the receiver keeps waiting until the next Ctrl-C', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ferry-rt-ctrlc-'))
    dirs.push(root)
    const src = join(root, 'src')
    await mkdir(src)
    const bytes = randomBytes(32 * 1024 * 1024)
    for (let i = 0; i < 8; i++) await writeFile(join(src, `f${i}.bin`), bytes.subarray(i))
    const receiver = runFerry(['receive', '--yes', '--json', '--host', '127.0.0.1', '--dir', join(root, 'dst')], { FERRY_CONFIG_DIR: join(root, 'r') })
    runs.push(receiver)
    const listening = await receiver.waitFor('listening')
    const sender = runFerry(['send', '--json', '--to', listening.address as string, src], { FERRY_CONFIG_DIR: join(root, 's') })
    runs.push(sender)
    await receiver.waitFor('progress')
    receiver.child.kill('SIGINT')
    expect(await exitWithin(sender, 10_000)).toBe(1)
    expect(sender.events.find((e) => e.type === 'error')).toMatchObject({ code: 'FERRY_ERR_CANCELLED' })
    expect(sender.events.filter((e) => e.type === 'reconnecting')).toEqual([])
    expect(receiver.events.filter((e) => e.type === 'offer')).toHaveLength(1)
    expect(await receiver.waitFor('error')).toMatchObject({ code: 'FERRY_ERR_CANCELLED' })
    expect(await exitWithin(receiver, 1_000)).toMatch(/still running/)
    receiver.child.kill('SIGINT')
    expect(await exitWithin(receiver, 10_000)).toBe(130)
  }, 40_000)
})
