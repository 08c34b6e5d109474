// Each run receives onto a filesystem of its own: a fresh ext4 in a sparse image, on a loop device, mounted over the
// run's folder and removed after it. Without it, every tool writes into the same ext4 where the previous run has
// just deleted its tree, and ext4 then scans past each recently deleted inode to find a free one: creating a file
// cost 0.5 ms of kernel time instead of 0.02 ms here (perf: find_inode_bit, recently_deleted), so the small-file
// figures measured the order of the runs rather than the tools. The image sits beside the folder, so it is removed
// with the bench's temp folder even if the unmount fails. Without root or the tools, runs use the folder as it is,
// and the report says so.
import { execFile, execFileSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { rm } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)
/** mkfs, losetup and mount answer in well under a second for a sparse image; a hung one is killed. */
const COMMAND_TIMEOUT_MS = 60_000
const run = async (file: string, args: string[]): Promise<string> =>
  (await execFileAsync(file, args, { timeout: COMMAND_TIMEOUT_MS, killSignal: 'SIGKILL' })).stdout.trim()
/** Room beyond twice the workload: configs, partials, a downloaded zip next to its unpacked copy. */
const SLACK_BYTES = 1024 ** 3

export interface FreshFilesystems {
  /** Empty when each run gets its own ext4; else why runs use the temp folder's own filesystem. */
  note: string
  /** Mounts a fresh filesystem over `dir` (an empty folder) big enough for `bytes` twice over; returns its unmount. */
  mountOver: (dir: string, bytes: number) => Promise<() => Promise<void>>
}

/** Whether `command` is an executable on PATH (or in the sbin folders root's PATH may lack). */
function found (command: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin']
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

export function freshFilesystems (): FreshFilesystems {
  const missing = ['mkfs.ext4', 'losetup', 'mount'].filter((c) => !found(c))
  const why = process.getuid?.() !== 0 ? 'loop mounts need root' : missing.length > 0 ? `${missing.join(', ')} not found` : ''
  if (why !== '') {
    return { note: `each run receives into the temp folder's own filesystem (${why}), so small-file runs depend on what the previous run deleted`, mountOver: async () => async () => {} }
  }
  const mounted = new Set<{ dir: string, device: string }>()
  // At exit (a signal, an error), whatever is still mounted goes, so the temp folder can be removed.
  process.once('exit', () => {
    for (const m of mounted) {
      try {
        execFileSync('umount', ['--lazy', m.dir], { stdio: 'ignore', timeout: COMMAND_TIMEOUT_MS })
        execFileSync('losetup', ['--detach', m.device], { stdio: 'ignore', timeout: COMMAND_TIMEOUT_MS })
      } catch {
        // Already gone.
      }
    }
  })
  return {
    note: '',
    mountOver: async (dir, bytes) => {
      const image = `${dir}.img`
      await run('truncate', ['-s', String(2 * bytes + SLACK_BYTES), image])
      // Inode tables are left to zero-fill lazily (the image is sparse, so they read as zeros), and `noinit_itable`
      // keeps the kernel from writing them in the background during the run.
      await run('mkfs.ext4', ['-q', '-F', '-E', 'lazy_itable_init=1,lazy_journal_init=1', image])
      // Direct I/O to the image, so the page cache does not hold every byte twice (once per filesystem).
      const device = await run('losetup', ['--find', '--show', '--direct-io=on', image])
      const entry = { dir, device }
      try {
        await run('mount', ['-o', 'noinit_itable', device, dir])
      } catch (err) {
        await run('losetup', ['--detach', device]).catch(() => '')
        await rm(image, { force: true })
        throw err
      }
      mounted.add(entry)
      return async () => {
        mounted.delete(entry)
        await run('umount', [dir]).catch(async () => await run('umount', ['--lazy', dir]))
        await run('losetup', ['--detach', device]).catch(() => '')
        await rm(image, { force: true })
      }
    }
  }
}
