// Shapes shared by the bench runner, the report and the JSON results file.

/**
 * ferry and tcp are two bench children; rsync and scp go through a private sshd; browser-* through `ferry share`;
 * localsend-to is `ferry send` to a LocalSend peer (bench/localsend-peer.ts), localsend-from that peer sending to
 * `ferry receive`, both over LocalSend's HTTPS.
 */
export type Tool = 'ferry' | 'tcp' | 'rsync' | 'scp' | 'browser-download' | 'browser-upload' | 'localsend-to' | 'localsend-from'
export type WorkloadName = 'big' | 'many' | 'mixed'
/** loopback: 127.0.0.1; netns: two namespaces over a 1 Gbit/s veth; loss: the same with 1 % of packets dropped. */
export type PathName = 'loopback' | 'netns' | 'loss'

export const ALL_TOOLS: readonly Tool[] = ['ferry', 'tcp', 'rsync', 'scp', 'browser-download', 'browser-upload', 'localsend-to', 'localsend-from']
export const ALL_WORKLOADS: readonly WorkloadName[] = ['big', 'many', 'mixed']
export const ALL_PATHS: readonly PathName[] = ['loopback', 'netns', 'loss']

/** A generated workload on disk: what a sender is given and what the receiver must end up with. */
export interface Workload {
  name: WorkloadName
  /** Human label for the table, e.g. "4 GiB file" or "10,000 x 4 KiB x0.05". */
  label: string
  /** The file or folder handed to the sender; the receiver gets it under its basename. */
  sourcePath: string
  files: number
  bytes: number
}

/** Where the two sides of a run live and which addresses they use; the runner never sends anywhere else. */
export interface NetPath {
  name: PathName
  /** Network namespace of the sending side and of the receiving side; undefined means this one (loopback). */
  senderNs?: string
  receiverNs?: string
  senderHost: string
  receiverHost: string
  /** What the link does, for the table's notes and the JSON. */
  description: string
}

/** What one side of a run cost: its whole process tree, sampled from /proc, plus the tool's own figures. */
export interface SideStats {
  /** utime + stime of the side's process tree, in seconds (see proc-tree.ts for what is counted). */
  cpuSeconds?: number
  /** Peak memory: one process's peak RSS (its own maxRSS where it reports one); several processes' summed PSS. */
  maxRssBytes?: number
  /** Several processes only: the peak of their summed RSS (shared pages counted in each) and how many there were. */
  rssSumBytes?: number
  processes?: number
  /** Only from Node children that print a `stats` line (Ferry, the TCP baseline). */
  eventLoopDelayP99Ms?: number
}

/** One repetition of one tool on one workload over one path. */
export interface RunResult {
  workload: WorkloadName
  path: PathName
  tool: Tool
  repetition: number
  ok: boolean
  /** Why the run failed, with the tail of the children's stderr. */
  error?: string
  files: number
  bytes: number
  /** Start (see report.ts: process spawn, or the browser's navigation) to the last byte verified on disk. */
  wallSeconds?: number
  /** Start to the first non-empty file (or partial) in the destination folder, polled every few ms. */
  ttfbMs?: number
  /** The tool's own figure, where it prints one (Ferry's and the TCP baseline's `done` line). */
  reportedSeconds?: number
  sender?: SideStats
  receiver?: SideStats
  /** On the loss path: what left over the veth during the run and how much the loss rule dropped (netns.ts). */
  link?: { units: number; bytes: number; dropped: number }
  /** Things worth a look that do not fail the run, e.g. files left beside the received tree. */
  warnings?: string[]
}

/** A tool that did not run on a path, and why (not installed, not built yet, no namespaces here). */
export interface Skip {
  tool: Tool
  path: PathName
  reason: string
}
