// One repetition of a tool that is two bench children (Ferry, the TCP baseline): start the receiver on the path's
// receiving side, then the sender on its sending side; time the sender from spawn to exit, watch the destination
// for the first byte, sample both process trees, and verify the received tree against the source.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { BenchChild, ChildExit } from './child.ts'
import { describeExit, exitedCleanly, readNumber } from './child.ts'
import { FirstByteWatch } from './first-byte.ts'
import type { ProcTreeMonitor } from './proc-tree.ts'
import { describeRunName, newResult, sideStats, watchSide, type RunContext, type ToolRunner } from './run-context.ts'
import type { PairSpec } from './tools.ts'
import type { RunResult } from './types.ts'
import { verifyReceived } from './verify.ts'

/** How long a receiver may take to exit once its sender has succeeded (it still finishes, prints stats, closes). */
const RECEIVER_EXIT_GRACE_MS = 30_000
/** After a failed sender the receiver may never finish on its own; it gets a short while to report, then is killed. */
const RECEIVER_FAILED_GRACE_MS = 5_000

async function runPair(spec: PairSpec, ctx: RunContext): Promise<RunResult> {
  const { children, workload, path, timeoutMs } = ctx
  const result = newResult(ctx, spec.tool)
  const receiveDir = join(ctx.runDir, 'received')
  const receiverConfig = join(ctx.runDir, 'receiver-config')
  const senderConfig = join(ctx.runDir, 'sender-config')
  await Promise.all([receiveDir, receiverConfig, senderConfig].map((d) => mkdir(d)))
  let receiver: BenchChild | undefined
  let sender: BenchChild | undefined
  let receiverWatch: ProcTreeMonitor | undefined
  let senderWatch: ProcTreeMonitor | undefined
  let firstByte: FirstByteWatch | undefined
  try {
    receiver = children.spawnNode(`${spec.tool} receiver`, spec.receiverArgs(receiveDir, path), {
      ns: path.receiverNs, env: { ...process.env, FERRY_CONFIG_DIR: receiverConfig }, timeoutMs
    })
    receiverWatch = watchSide(receiver)
    let senderArgs: string[]
    try {
      senderArgs = spec.senderArgs(workload.sourcePath, await receiver.waitFor(spec.ready ?? 'listening'), path)
    } catch (err) {
      receiver.kill()
      const why = err instanceof Error ? err.message : String(err)
      return { ...result, error: `${why}\n${describeExit(receiver, await receiver.exited)}` }
    }
    firstByte = new FirstByteWatch(receiveDir)
    receiverWatch?.markBaseline()
    const started = performance.now()
    sender = children.spawnNode(`${spec.tool} sender`, senderArgs, {
      ns: path.senderNs, env: { ...process.env, FERRY_CONFIG_DIR: senderConfig }, timeoutMs
    })
    senderWatch = watchSide(sender)
    const senderExit: ChildExit = await sender.exited
    const senderFigures = senderWatch?.stop()
    receiver.killAfter(exitedCleanly(senderExit) ? RECEIVER_EXIT_GRACE_MS : RECEIVER_FAILED_GRACE_MS)
    const receiverExit = await receiver.exited
    const receiverFigures = receiverWatch?.stop()
    result.ttfbMs = await firstByte.stop(started)
    result.sender = sideStats(senderFigures, sender.last('stats'))
    result.receiver = sideStats(receiverFigures, receiver.last('stats'))
    if (!exitedCleanly(senderExit) || !exitedCleanly(receiverExit)) {
      return { ...result, error: `${describeExit(sender, senderExit)}\n${describeExit(receiver, receiverExit)}` }
    }
    // Throws VerifyError, which stops the bench: a fast wrong copy is not a result.
    const { strayTopLevel } = await verifyReceived(ctx.digest, receiveDir, describeRunName(ctx, spec.tool))
    if (strayTopLevel.length > 0) result.warnings = [`the receive folder also holds: ${strayTopLevel.slice(0, 5).join(', ')}`]
    result.wallSeconds = senderExit.seconds
    result.reportedSeconds = readNumber(sender.last('done'), 'seconds')
    result.ok = true
    return result
  } finally {
    senderWatch?.stop()
    receiverWatch?.stop()
    await firstByte?.stop(0)
    sender?.kill()
    receiver?.kill()
    await Promise.all([sender?.exited, receiver?.exited])
  }
}

export function pairRunner(spec: PairSpec): ToolRunner {
  return { tool: spec.tool, run: (ctx) => runPair(spec, ctx) }
}
