// One repetition of one tool on one workload: start the receiver, then the sender, time the sender from spawn
// to exit, collect both sides' stats lines, and verify the received tree against the source.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { BenchChild, ChildExit, ChildSet, JsonLine } from './child.ts'
import { readNumber, readString } from './child.ts'
import type { ToolSpec } from './tools.ts'
import type { RunResult, SideStats, Workload } from './types.ts'
import { verifyReceived, type SourceDigest } from './verify.ts'

/** How long a receiver may take to exit once its sender has succeeded (it still finishes, prints stats, closes). */
const RECEIVER_EXIT_GRACE_MS = 30_000
/** After a failed sender the receiver may never finish on its own; it gets a short while to report, then is killed. */
const RECEIVER_FAILED_GRACE_MS = 5_000
/** Stderr shown per child in a failure report; the children keep more, this keeps the report readable. */
const REPORT_STDERR_CHARS = 4000

export interface PairRunInit {
  children: ChildSet
  spec: ToolSpec
  workload: Workload
  digest: SourceDigest
  repetition: number
  timeoutMs: number
  /** Parent of this run's receive and config folders; the run removes what it creates. */
  tempRoot: string
}

function readStats(line: JsonLine | undefined): SideStats | undefined {
  const maxRssBytes = readNumber(line, 'maxRssBytes')
  const eventLoopDelayP99Ms = readNumber(line, 'eventLoopDelayP99Ms')
  return maxRssBytes === undefined || eventLoopDelayP99Ms === undefined ? undefined : { maxRssBytes, eventLoopDelayP99Ms }
}

function exitedCleanly(exit: ChildExit): boolean {
  return exit.code === 0 && !exit.timedOut && exit.spawnError === undefined
}

function describeExit(child: BenchChild, exit: ChildExit | undefined): string {
  if (!exit) return `${child.name}: not started`
  const how = exit.spawnError ? `could not start (${exit.spawnError})`
    : exit.timedOut ? `killed after its deadline (${exit.seconds.toFixed(1)} s)`
    : exit.signal ? `killed by ${exit.signal}`
    : `exit code ${exit.code}`
  const errorLine = child.last('error')
  const reported = errorLine ? ` error ${readString(errorLine, 'code')}: ${readString(errorLine, 'message')}` : ''
  const stderr = exit.stderrTail.trim().slice(-REPORT_STDERR_CHARS)
  return `${child.name}: ${how}.${reported}${stderr ? `\n  stderr: ${stderr.replaceAll('\n', '\n  ')}` : ''}`
}

export async function runPair(init: PairRunInit): Promise<RunResult> {
  const { children, spec, workload, repetition, timeoutMs } = init
  const result: RunResult = { workload: workload.name, tool: spec.tool, repetition, ok: false, files: workload.files, bytes: workload.bytes }
  const runDir = await mkdtemp(join(init.tempRoot, `${spec.tool}-${workload.name}-${repetition}-`))
  const receiveDir = join(runDir, 'received')
  const receiverConfig = join(runDir, 'receiver-config')
  const senderConfig = join(runDir, 'sender-config')
  await Promise.all([receiveDir, receiverConfig, senderConfig].map((d) => mkdir(d)))
  let receiver: BenchChild | undefined
  let sender: BenchChild | undefined
  try {
    receiver = children.spawn(`${spec.tool} receiver`, spec.receiverArgs(receiveDir), { ...process.env, FERRY_CONFIG_DIR: receiverConfig }, timeoutMs)
    let senderArgs: string[]
    try {
      senderArgs = spec.senderArgs(workload.sourcePath, await receiver.waitFor('listening'))
    } catch (err) {
      receiver.kill()
      const why = err instanceof Error ? err.message : String(err)
      return { ...result, error: `${why}\n${describeExit(receiver, await receiver.exited)}` }
    }
    sender = children.spawn(`${spec.tool} sender`, senderArgs, { ...process.env, FERRY_CONFIG_DIR: senderConfig }, timeoutMs)
    const senderExit = await sender.exited
    receiver.killAfter(exitedCleanly(senderExit) ? RECEIVER_EXIT_GRACE_MS : RECEIVER_FAILED_GRACE_MS)
    const receiverExit = await receiver.exited
    result.sender = readStats(sender.last('stats'))
    result.receiver = readStats(receiver.last('stats'))
    if (!exitedCleanly(senderExit) || !exitedCleanly(receiverExit)) {
      return { ...result, error: `${describeExit(sender, senderExit)}\n${describeExit(receiver, receiverExit)}` }
    }
    // Throws VerifyError, which stops the bench: a fast wrong copy is not a result.
    const { strayTopLevel } = await verifyReceived(init.digest, receiveDir, `${spec.tool} ${workload.name} #${repetition}`)
    if (strayTopLevel.length > 0) result.warnings = [`the receive folder also holds: ${strayTopLevel.slice(0, 5).join(', ')}`]
    result.wallSeconds = senderExit.seconds
    result.reportedSeconds = readNumber(sender.last('done'), 'seconds')
    result.ok = true
    return result
  } finally {
    // Normally both have exited already; after an exception, make sure before their folders go.
    for (const child of [sender, receiver]) {
      if (!child) continue
      child.kill()
      await child.exited
    }
    await rm(runDir, { recursive: true, force: true })
  }
}
