// The process helper every CLI test waits on: when the `ferry` it started has ended, it says so at once, and how
// (an exit code, or the signal that killed it: a native crash such as SIGSEGV leaves no exit code and no output).
// Before, it noticed only an exit code and waited out its whole timeout for a process that had crashed, then
// reported "no event" with empty output, which cannot tell a crash from a stall (the crash-consistency test's
// failure in CI).

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runFerry, type CliRun } from './helpers/cli-process.ts'

/** Longer than this test's own timeout: a waitFor that waits it out fails the test instead of passing it. */
const LONGER_THAN_THE_TEST_MS = 600_000

let dir: string
const children: CliRun[] = []
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ferry-cli-process-')) })
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

function receiver (extra: string[] = []): CliRun {
  const run = runFerry(['receive', '--dir', join(dir, 'in'), '--host', '127.0.0.1', '--yes', '--json', ...extra], { FERRY_CONFIG_DIR: join(dir, 'config') })
  children.push(run)
  return run
}

describe('waiting for an event of a ferry process that has ended', () => {
  it('stops at once when the process was killed by a signal before the event, and names the signal', async () => {
    const run = receiver()
    // Killed long before it could listen (starting takes hundreds of ms): as a crash in a native module would.
    run.child.kill('SIGSEGV')
    await expect(run.waitFor('listening', LONGER_THAN_THE_TEST_MS)).rejects.toThrow(/no "listening" event: `ferry receive .*` \(pid \d+\) was killed by SIGSEGV/)
    expect(await run.exited).toMatchObject({ code: null, signal: 'SIGSEGV' })
  })

  it('stops at once when the process exited before the event, and names the exit code', async () => {
    const run = receiver(['--port', 'not-a-port'])
    await expect(run.waitFor('listening', LONGER_THAN_THE_TEST_MS)).rejects.toThrow(/\(pid \d+\) exited with code 1 .*; stderr: .*a port is a whole number/s)
    expect((await run.exited).code).toBe(1)
  })
})
