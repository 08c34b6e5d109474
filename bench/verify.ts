// Checks that a received tree is byte-for-byte the source: same relative paths, same sizes, same sha256; or, for a
// browser upload (which sends names without their folders), the same files flat in one folder.
// The source is hashed once per workload; every run's received files are hashed afresh.
import { readdir } from 'node:fs/promises'
import { basename, posix } from 'node:path'
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

function fail(what: string, where: string, problems: readonly string[]): never {
  throw new VerifyError(`${what}: ${where} differs from the source in ${problems.length} place(s): ${problems.slice(0, MAX_EXAMPLES).join('; ')}`)
}

/** Verifies that `dir` holds exactly the source's files by their last name (the source's names are unique). */
export async function verifyFlat(source: SourceDigest, dir: string, what: string): Promise<void> {
  const byName = new Map<string, { size: number; sha256: string }>()
  for (const [rel, want] of source.files) byName.set(posix.basename(rel), want)
  if (byName.size !== source.files.size) throw new VerifyError(`${what}: the source has two files of one name, which a flat upload cannot keep apart`)
  const received = await listTree(dir)
  const problems: string[] = []
  const seen = new Set<string>()
  const sameSize: typeof received = []
  for (const r of received) {
    const name = r.rel.slice(r.rel.indexOf('/') + 1) // rel starts with the folder's own name
    seen.add(name)
    const want = byName.get(name)
    if (!want) problems.push(`unexpected file ${name}`)
    else if (want.size !== r.size) problems.push(`${name}: size ${r.size}, expected ${want.size}`)
    else sameSize.push(r)
  }
  for (const name of byName.keys()) if (!seen.has(name)) problems.push(`missing file ${name}`)
  const hashes = await mapLimit(sameSize, HASH_CONCURRENCY, (r) => sha256File(r.abs))
  sameSize.forEach((r, i) => {
    const name = r.rel.slice(r.rel.indexOf('/') + 1)
    if (hashes[i] !== byName.get(name)?.sha256) problems.push(`${name}: bytes differ (sha256)`)
  })
  if (problems.length > 0) fail(what, `the upload folder ${dir}`, problems)
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
  if (problems.length > 0) fail(what, 'the received tree', problems)
  return { strayTopLevel: topLevel.filter((n) => n !== name) }
}
