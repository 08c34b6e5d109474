// Checks that a received tree is byte-for-byte the source: same relative paths, same sizes, same sha256.
// The source is hashed once per workload; every run's received tree is hashed afresh.
import { readdir } from 'node:fs/promises'
import { basename } from 'node:path'
import { listTree, mapLimit, sha256File } from './tree.ts'

/** Concurrent hashes while verifying: enough to keep the disk busy for 10,000 small files. */
const HASH_CONCURRENCY = 16
/** Examples shown per kind of difference; the counts are always complete. */
const MAX_EXAMPLES = 5

export interface SourceDigest {
  root: string
  /** rel path -> size and sha256 */
  files: Map<string, { size: number; sha256: string }>
}

/** Thrown when the bytes differ: the bench stops, because speed figures for a wrong copy mean nothing. */
export class VerifyError extends Error {
  override name = 'VerifyError'
}

export async function digestTree(root: string): Promise<SourceDigest> {
  const entries = await listTree(root)
  const hashes = await mapLimit(entries, HASH_CONCURRENCY, (e) => sha256File(e.abs))
  return { root, files: new Map(entries.map((e, i) => [e.rel, { size: e.size, sha256: hashes[i] }])) }
}

/** Verifies `receivedDir/<basename of source>` against the digest; throws VerifyError describing every difference. */
export async function verifyReceived(source: SourceDigest, receivedDir: string, what: string): Promise<{ strayTopLevel: string[] }> {
  const name = basename(source.root)
  const topLevel = await readdir(receivedDir)
  if (!topLevel.includes(name)) {
    throw new VerifyError(`${what}: ${name} missing from ${receivedDir} (it holds: ${topLevel.slice(0, MAX_EXAMPLES).join(', ') || 'nothing'})`)
  }
  let received: Awaited<ReturnType<typeof listTree>>
  try {
    received = await listTree(`${receivedDir}/${name}`)
  } catch (err) {
    throw new VerifyError(`${what}: cannot walk the received tree: ${err instanceof Error ? err.message : String(err)}`)
  }
  const problems: string[] = []
  const seen = new Set<string>()
  const sameSize: typeof received = []
  for (const r of received) {
    seen.add(r.rel)
    const want = source.files.get(r.rel)
    if (!want) problems.push(`unexpected file ${r.rel}`)
    else if (want.size !== r.size) problems.push(`${r.rel}: size ${r.size}, expected ${want.size}`)
    else sameSize.push(r)
  }
  for (const rel of source.files.keys()) if (!seen.has(rel)) problems.push(`missing file ${rel}`)
  const hashes = await mapLimit(sameSize, HASH_CONCURRENCY, (r) => sha256File(r.abs))
  sameSize.forEach((r, i) => {
    if (hashes[i] !== source.files.get(r.rel)?.sha256) problems.push(`${r.rel}: bytes differ (sha256)`)
  })
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_EXAMPLES).join('; ')
    throw new VerifyError(`${what}: received tree differs from the source in ${problems.length} place(s): ${shown}`)
  }
  return { strayTopLevel: topLevel.filter((n) => n !== name) }
}
