// Messages between the hash pool and its workers.

export type WorkerRequest =
  | { op: 'update', seq: number, session: number, data: Uint8Array }
  | { op: 'update-file', seq: number, session: number, path: string, start: number, end: number }
  | { op: 'digest', seq: number, session: number }
  | { op: 'drop', seq: number, session: number }

export interface WorkerReply {
  seq: number
  hex?: string
  error?: string
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
export type WorkerRequestBody = DistributiveOmit<WorkerRequest, 'seq'>
