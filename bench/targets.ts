// The issues' targets as PASS / MISS / SKIP lines. Issue 8 (on the 1 Gbit/s namespace link): the 4 GiB file at
// >= 95 % of line rate with under one core on each side, and >= 2x rsync-over-ssh's files/s on the 10,000 files.
// Issue 2 (kept, on loopback): the large file at >= 112 MB/s, 10,000 files at >= 1,500 files/s, sender RSS <= 200 MB.
// Issue 17 (the bundled CLI): `ferry --version` within 2.5x of `node -e 0`, the one-file send's time to first byte
// on loopback within 2x of the TCP copy's, sender peak RSS <= 150 MB and receiver <= 200 MB on every workload, the
// 10,000 files over the namespace link >= 1.0x rsync's files/s, the big file over that link with the sender under 0.5
// core and the receiver under 0.8, and each side's CPU seconds for the big file <= 1.5x rsync's on the same path.
// Rates are by wall time (process start included), the stricter figure; Ferry's own clock is shown beside it.
import { MB, type SummaryRow } from './report.ts'
import type { StartupResult } from './startup.ts'
import type { Summary } from './stats.ts'
import type { PathName, RunResult, Tool, WorkloadName } from './types.ts'

/** 1 Gbit/s in bytes per second (MB = 1e6 bytes), the rate tbf shapes each direction to. */
export const LINE_RATE_MBPS = 125
export const TARGETS = {
  lineRateShare: 0.95,
  maxCoresPerSide: 1,
  filesVsRsync: 2,
  loopbackBigMBps: 112,
  loopbackManyFilesPerSecond: 1500,
  senderPeakRssMB: 200,
  versionVsNode: 2.5,
  ttfbVsTcp: 2,
  bundledSenderPeakRssMB: 150,
  bundledReceiverPeakRssMB: 200,
  leanFilesVsRsync: 1,
  leanSenderCores: 0.5,
  leanReceiverCores: 0.8,
  leanCpuVsRsync: 1.5
}

export interface TargetCheck {
  target: string
  verdict: 'PASS' | 'MISS' | 'SKIP'
  detail: string
}

const f1 = (s: Summary | undefined): string => (s ? s.median.toFixed(1) : '-')
const range = (s: Summary | undefined, digits: number): string => (s ? `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}-${s.max.toFixed(digits)}]` : '-')

export function checkTargets(rows: readonly SummaryRow[], runs: readonly RunResult[], scale: number): TargetCheck[] {
  const row = (tool: Tool, workload: WorkloadName, path: PathName): SummaryRow | undefined =>
    rows.find((r) => r.tool === tool && r.workload === workload && r.path === path && r.skipped === undefined && r.runs > 0)
  const atScale = scale === 1 ? '' : ` (at scale ${scale}; the targets are for scale 1)`
  const checks: TargetCheck[] = []
  const verdict = (pass: boolean | undefined): TargetCheck['verdict'] => (pass === undefined ? 'SKIP' : pass ? 'PASS' : 'MISS')

  // Issue 8: line rate on the namespace link.
  const lineTarget = LINE_RATE_MBPS * TARGETS.lineRateShare
  const big = row('ferry', 'big', 'netns')
  const bigRate = big?.metrics.mbps
  const tcpBig = row('tcp', 'big', 'netns')?.metrics.mbps
  checks.push({
    target: `issue 8: 4 GiB file over the 1 Gbit/s namespace link >= ${TARGETS.lineRateShare * 100} % of line rate (${lineTarget.toFixed(2)} MB/s)`,
    verdict: verdict(big ? (bigRate ? bigRate.median >= lineTarget : false) : undefined),
    detail: !big ? 'not run' : !bigRate ? 'no successful run'
      : `median ${f1(bigRate)} MB/s = ${((100 * bigRate.median) / LINE_RATE_MBPS).toFixed(1)} % of ${LINE_RATE_MBPS} MB/s (${f1(big.metrics.mbpsReported)} MB/s by Ferry's own clock); ` +
        `the plain TCP copy on the same link: ${f1(tcpBig)} MB/s${atScale}`
  })
  const sendCores = big?.metrics.senderCores
  const recvCores = big?.metrics.receiverCores
  checks.push({
    target: `issue 8: ... with < ${TARGETS.maxCoresPerSide} core of CPU on each side (CPU seconds / wall seconds)`,
    verdict: verdict(big ? (sendCores && recvCores ? sendCores.median < TARGETS.maxCoresPerSide && recvCores.median < TARGETS.maxCoresPerSide : false) : undefined),
    detail: !big ? 'not run' : `sender ${range(sendCores, 2)} cores, receiver ${range(recvCores, 2)} cores${atScale}`
  })
  const many = row('ferry', 'many', 'netns')
  const rsync = row('rsync', 'many', 'netns')
  const manyRate = many?.metrics.filesPerSecond
  const rsyncRate = rsync?.metrics.filesPerSecond
  checks.push({
    target: `issue 8: 10,000 files over the namespace link >= ${TARGETS.filesVsRsync}x rsync-over-ssh files/s`,
    verdict: verdict(many && rsync ? (manyRate && rsyncRate ? manyRate.median >= TARGETS.filesVsRsync * rsyncRate.median : false) : undefined),
    detail: !many ? 'Ferry not run' : !rsync ? 'rsync not run (see skipped)'
      : `Ferry ${range(manyRate, 0)} files/s, rsync ${range(rsyncRate, 0)} files/s` +
        (manyRate && rsyncRate ? `: ${(manyRate.median / rsyncRate.median).toFixed(2)}x` : '') + atScale
  })

  // Issue 2, kept: loopback.
  const loopBig = row('ferry', 'big', 'loopback')
  checks.push({
    target: `issue 2: large file on loopback >= ${TARGETS.loopbackBigMBps} MB/s (now 4 GiB; it was 1 GiB)`,
    verdict: verdict(loopBig ? (loopBig.metrics.mbps?.median ?? 0) >= TARGETS.loopbackBigMBps : undefined),
    detail: !loopBig ? 'not run' : `median ${f1(loopBig.metrics.mbps)} MB/s wall, ${f1(loopBig.metrics.mbpsReported)} MB/s by Ferry's own clock${atScale}`
  })
  const loopMany = row('ferry', 'many', 'loopback')
  checks.push({
    target: `issue 2: 10,000 files on loopback >= ${TARGETS.loopbackManyFilesPerSecond} files/s`,
    verdict: verdict(loopMany ? (loopMany.metrics.filesPerSecond?.median ?? 0) >= TARGETS.loopbackManyFilesPerSecond : undefined),
    detail: !loopMany ? 'not run' : `median ${range(loopMany.metrics.filesPerSecond, 0)} files/s wall${atScale}`
  })
  const rss = runs.filter((r) => r.tool === 'ferry' && r.ok && r.sender?.maxRssBytes !== undefined).map((r) => (r.sender?.maxRssBytes ?? 0) / MB)
  const peak = rss.length > 0 ? Math.max(...rss) : undefined
  checks.push({
    target: `issue 2: Ferry sender peak RSS <= ${TARGETS.senderPeakRssMB} MB`,
    verdict: verdict(peak === undefined ? undefined : peak <= TARGETS.senderPeakRssMB),
    detail: peak === undefined ? 'no Ferry run' : `highest ${peak.toFixed(1)} MB over ${rss.length} Ferry run(s), every workload and path${atScale}`
  })
  return checks
}

/** Issue 17's targets; `startup` is undefined when Ferry was not run. */
export function checkIssue17Targets(rows: readonly SummaryRow[], runs: readonly RunResult[], startup: StartupResult | undefined, scale: number): TargetCheck[] {
  const atScale = scale === 1 ? '' : ` (at scale ${scale}; the targets are for scale 1)`
  const verdict = (pass: boolean | undefined): TargetCheck['verdict'] => (pass === undefined ? 'SKIP' : pass ? 'PASS' : 'MISS')
  const checks: TargetCheck[] = []
  checks.push({
    target: `issue 17: \`ferry --version\` within ${TARGETS.versionVsNode}x of \`node -e 0\` (wall time, run pair by run pair)`,
    verdict: verdict(startup === undefined ? undefined : startup.ratio.median <= TARGETS.versionVsNode),
    detail: startup === undefined ? 'Ferry not run'
      : `ferry ${range(startup.ferryMs, 0)} ms, node ${range(startup.nodeMs, 0)} ms: ${range(startup.ratio, 2)}x over ${startup.runs} pairs`
  })
  const ttfb = (tool: Tool): Summary | undefined =>
    rows.find((r) => r.tool === tool && r.workload === 'big' && r.path === 'loopback' && r.skipped === undefined && r.runs > 0)?.metrics.ttfbMs
  const ferryTtfb = ttfb('ferry')
  const tcpTtfb = ttfb('tcp')
  checks.push({
    target: `issue 17: time to first byte of the one-file send on loopback within ${TARGETS.ttfbVsTcp}x of the TCP copy's`,
    verdict: verdict(ferryTtfb && tcpTtfb ? ferryTtfb.median <= TARGETS.ttfbVsTcp * tcpTtfb.median : undefined),
    detail: !ferryTtfb || !tcpTtfb ? 'Ferry or the TCP copy not run on the big file over loopback'
      : `Ferry ${range(ferryTtfb, 0)} ms, TCP ${range(tcpTtfb, 0)} ms: ${(ferryTtfb.median / tcpTtfb.median).toFixed(2)}x`
  })
  for (const side of ['sender', 'receiver'] as const) {
    const limit = side === 'sender' ? TARGETS.bundledSenderPeakRssMB : TARGETS.bundledReceiverPeakRssMB
    const rss = runs.filter((r) => r.tool === 'ferry' && r.ok && r[side]?.maxRssBytes !== undefined).map((r) => ({ mb: (r[side]?.maxRssBytes ?? 0) / MB, where: `${r.workload} ${r.path}` }))
    const peak = rss.reduce<{ mb: number, where: string } | undefined>((top, x) => (top === undefined || x.mb > top.mb ? x : top), undefined)
    checks.push({
      target: `issue 17: Ferry ${side} peak RSS <= ${limit} MB on every workload`,
      verdict: verdict(peak === undefined ? undefined : peak.mb <= limit),
      detail: peak === undefined ? 'no Ferry run' : `highest ${peak.mb.toFixed(1)} MB (${peak.where}) over ${rss.length} Ferry run(s)${atScale}`
    })
  }
  const row = (tool: Tool, workload: WorkloadName, path: PathName): SummaryRow | undefined =>
    rows.find((r) => r.tool === tool && r.workload === workload && r.path === path && r.skipped === undefined && r.runs > 0)
  const manyRate = row('ferry', 'many', 'netns')?.metrics.filesPerSecond
  const rsyncRate = row('rsync', 'many', 'netns')?.metrics.filesPerSecond
  checks.push({
    target: `issue 17: 10,000 files over the namespace link >= ${TARGETS.leanFilesVsRsync.toFixed(1)}x rsync-over-ssh files/s`,
    verdict: verdict(manyRate && rsyncRate ? manyRate.median >= TARGETS.leanFilesVsRsync * rsyncRate.median : undefined),
    detail: !manyRate || !rsyncRate ? 'Ferry or rsync not run on the small files over the namespace link'
      : `Ferry ${range(manyRate, 0)} files/s, rsync ${range(rsyncRate, 0)} files/s: ${(manyRate.median / rsyncRate.median).toFixed(2)}x${atScale}`
  })
  const big = row('ferry', 'big', 'netns')
  const sendCores = big?.metrics.senderCores
  const recvCores = big?.metrics.receiverCores
  checks.push({
    target: `issue 17: big file over the namespace link with the sender under ${TARGETS.leanSenderCores} core and the receiver under ${TARGETS.leanReceiverCores}`,
    verdict: verdict(sendCores && recvCores ? sendCores.median < TARGETS.leanSenderCores && recvCores.median < TARGETS.leanReceiverCores : undefined),
    detail: !sendCores || !recvCores ? 'Ferry not run on the big file over the namespace link'
      : `sender ${range(sendCores, 2)} cores, receiver ${range(recvCores, 2)} cores${atScale}`
  })
  for (const path of ['loopback', 'netns'] as const) {
    const ferry = row('ferry', 'big', path)
    const rsync = row('rsync', 'big', path)
    const ratio = (side: 'senderCpuS' | 'receiverCpuS'): number | undefined => {
      const mine = ferry?.metrics[side]
      const theirs = rsync?.metrics[side]
      return mine && theirs && theirs.median > 0 ? mine.median / theirs.median : undefined
    }
    const send = ratio('senderCpuS')
    const recv = ratio('receiverCpuS')
    checks.push({
      target: `issue 17: CPU seconds for the big file on ${path}, each side, <= ${TARGETS.leanCpuVsRsync}x rsync's`,
      verdict: verdict(send !== undefined && recv !== undefined ? send <= TARGETS.leanCpuVsRsync && recv <= TARGETS.leanCpuVsRsync : undefined),
      detail: send === undefined || recv === undefined ? `Ferry or rsync not run on the big file over ${path}`
        : `sender ${range(ferry?.metrics.senderCpuS, 2)} s against ${range(rsync?.metrics.senderCpuS, 2)} (${send.toFixed(2)}x), ` +
          `receiver ${range(ferry?.metrics.receiverCpuS, 2)} s against ${range(rsync?.metrics.receiverCpuS, 2)} (${recv.toFixed(2)}x)${atScale}`
    })
  }
  return checks
}
