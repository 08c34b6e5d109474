// One repetition of rsync over ssh or scp: a private sshd on the path's receiving side, the client pushing the
// source from the sending side. The client is timed from spawn to exit; the receiving side's figures are the sshd
// and its session processes (sshd, rsync --server or sftp-server), counted from the client's start.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { BenchChild } from './child.ts'
import { describeExit, exitedCleanly } from './child.ts'
import { FirstByteWatch } from './first-byte.ts'
import { descendantsOf, type ProcTreeMonitor } from './proc-tree.ts'
import { describeRunName, newResult, sideStats, watchSide, type RunContext, type ToolRunner } from './run-context.ts'
import { sshOptions, startSshd, type RunningSshd, type SshSetup } from './ssh.ts'
import type { RunResult } from './types.ts'
import { verifyReceived } from './verify.ts'

/** After the client exits, sshd's session processes finish and are reaped; they get this long before the figures. */
const SESSION_END_MS = 10_000

function clientArgs(tool: 'rsync' | 'scp', setup: SshSetup, port: number, source: string, target: string): string[] {
  if (tool === 'rsync') return ['-a', '-e', ['ssh', '-p', String(port), ...sshOptions(setup)].join(' '), source, target]
  return ['-r', '-q', '-P', String(port), ...sshOptions(setup), source, target]
}

async function sessionsEnded(pid: number | undefined): Promise<void> {
  const deadline = performance.now() + SESSION_END_MS
  while (pid !== undefined && performance.now() < deadline && descendantsOf(pid).length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function runSsh(tool: 'rsync' | 'scp', setup: SshSetup, ctx: RunContext): Promise<RunResult> {
  const { children, workload, path, timeoutMs } = ctx
  const result = newResult(ctx, tool)
  const receiveDir = join(ctx.runDir, 'received')
  await mkdir(receiveDir)
  let sshd: RunningSshd | undefined
  let client: BenchChild | undefined
  let serverWatch: ProcTreeMonitor | undefined
  let clientWatch: ProcTreeMonitor | undefined
  let firstByte: FirstByteWatch | undefined
  try {
    try {
      sshd = await startSshd(children, setup, path.receiverHost, path.receiverNs, timeoutMs)
    } catch (err) {
      return { ...result, error: err instanceof Error ? err.message : String(err) }
    }
    serverWatch = watchSide(sshd.child)
    firstByte = new FirstByteWatch(receiveDir)
    serverWatch?.markBaseline()
    const started = performance.now()
    const target = `${setup.user}@${path.receiverHost}:${receiveDir}/`
    client = children.spawn(tool, setup.tools[tool], clientArgs(tool, setup, sshd.port, workload.sourcePath, target), { ns: path.senderNs, timeoutMs })
    clientWatch = watchSide(client)
    const clientExit = await client.exited
    const clientFigures = clientWatch?.stop()
    await sessionsEnded(sshd.child.pid)
    const serverFigures = serverWatch?.stop()
    result.ttfbMs = await firstByte.stop(started)
    result.sender = sideStats(clientFigures)
    result.receiver = sideStats(serverFigures)
    if (!exitedCleanly(clientExit)) return { ...result, error: `${describeExit(client, clientExit)}\n${describeExit(sshd.child, undefined)}` }
    const { strayTopLevel } = await verifyReceived(ctx.digest, receiveDir, describeRunName(ctx, tool))
    if (strayTopLevel.length > 0) result.warnings = [`the receive folder also holds: ${strayTopLevel.slice(0, 5).join(', ')}`]
    result.wallSeconds = clientExit.seconds
    result.ok = true
    return result
  } finally {
    clientWatch?.stop()
    serverWatch?.stop()
    await firstByte?.stop(0)
    client?.kill()
    if (sshd) {
      sshd.child.signal('SIGTERM')
      sshd.child.killAfter(5_000)
      await sshd.child.exited
    }
    await client?.exited
  }
}

export function sshRunner(tool: 'rsync' | 'scp', setup: SshSetup): ToolRunner {
  return { tool, run: (ctx) => runSsh(tool, setup, ctx) }
}
