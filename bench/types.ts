// Shapes shared by the bench runner, the report and the JSON results file.

export type Tool = 'ferry' | 'tcp'
export type WorkloadName = 'big' | 'many'

/** A generated workload on disk: what a sender is given and what the receiver must end up with. */
export interface Workload {
  name: WorkloadName
  /** Human label for the table, e.g. "1 GiB file" or "10,000 x 4 KiB x0.05". */
  label: string
  /** The file or folder handed to the sender; the receiver gets it under its basename. */
  sourcePath: string
  files: number
  bytes: number
}

/** Peak memory and event-loop health of one process, as its own `stats` line reports them. */
export interface SideStats {
  maxRssBytes: number
  eventLoopDelayP99Ms: number
}

/** One repetition of one tool on one workload. */
export interface RunResult {
  workload: WorkloadName
  tool: Tool
  repetition: number
  ok: boolean
  /** Why the run failed, with the tail of both children's stderr. */
  error?: string
  files: number
  bytes: number
  /** Sender spawn to sender exit, measured by the bench: includes process start-up and connection set-up. */
  wallSeconds?: number
  /** The sender's own figure from its `done` line. */
  reportedSeconds?: number
  sender?: SideStats
  receiver?: SideStats
  /** Things worth a look that do not fail the run, e.g. files left beside the received tree. */
  warnings?: string[]
}
