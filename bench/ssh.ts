// rsync over ssh and scp need an sshd: the bench starts its own for each run, never the system's. Keys (ed25519,
// no passphrase), authorized_keys and the sshd config live in the run's temp folder; sshd runs in the foreground
// (`-D -e -f CONFIG`) on the path's receiving address and a free port, and is stopped by its PID. The bench never
// installs anything: when a tool is missing it says which apt command would add it, and skips rsync and scp.
import { execFile } from 'node:child_process'
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs'
import { copyFile, mkdir, writeFile } from 'node:fs/promises'
import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import { userInfo } from 'node:os'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import type { BenchChild, ChildSet } from './child.ts'
import { describeExit } from './child.ts'

const execFileAsync = promisify(execFile)
const COMMAND_TIMEOUT_MS = 30_000
const run = (file: string, args: string[]): Promise<unknown> => execFileAsync(file, args, { timeout: COMMAND_TIMEOUT_MS, killSignal: 'SIGKILL' })

export const SSH_INSTALL_HINT = 'apt-get install -y openssh-server rsync'
/** sshd refuses to start as root without its privilege-separation folder, which Debian's init script makes at boot. */
const PRIVSEP_DIR = '/run/sshd'
const SFTP_SERVERS = ['/usr/lib/openssh/sftp-server', '/usr/libexec/openssh/sftp-server', '/usr/libexec/sftp-server']
/** A namespace of our own has nothing listening, so any port there is free; a few tries cover a clash on loopback. */
const START_ATTEMPTS = 3
const LISTEN_TIMEOUT_MS = 10_000

export interface SshTools {
  sshd: string
  ssh: string
  rsync: string
  scp: string
  sshKeygen: string
}

export interface SshSetup {
  tools: SshTools
  dir: string
  clientKey: string
  user: string
  /** Said once in the output, e.g. that /run/sshd was created. */
  notes: string[]
}

function findOnPath(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin']
  for (const dir of dirs) {
    if (!dir) continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // Not here.
    }
  }
  return undefined
}

/** The tools, or the reason rsync and scp are skipped (with the command that installs what is missing). */
export function findSshTools(): SshTools | { skip: string } {
  const names = { sshd: 'sshd', ssh: 'ssh', rsync: 'rsync', scp: 'scp', sshKeygen: 'ssh-keygen' } as const
  const found: Partial<SshTools> = {}
  const missing: string[] = []
  for (const [key, name] of Object.entries(names) as [keyof SshTools, string][]) {
    const path = findOnPath(name)
    if (path) found[key] = path
    else missing.push(name)
  }
  if (missing.length > 0) return { skip: `not installed (${missing.join(', ')} missing): run \`${SSH_INSTALL_HINT}\`` }
  return found as SshTools
}

/** Keys and authorized_keys in `dir`; makes /run/sshd if this is root and it is missing (an empty root-owned folder). */
export async function prepareSsh(tools: SshTools, dir: string): Promise<SshSetup> {
  await mkdir(dir, { recursive: true })
  const notes: string[] = []
  for (const key of ['host_key', 'client_key']) {
    await run(tools.sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'ferry-bench', '-f', join(dir, key)])
  }
  await copyFile(join(dir, 'client_key.pub'), join(dir, 'authorized_keys'))
  if (process.getuid?.() === 0 && !existsSync(PRIVSEP_DIR)) {
    mkdirSync(PRIVSEP_DIR, { mode: 0o755 })
    notes.push(`created ${PRIVSEP_DIR} (sshd's privilege-separation folder, made at boot where sshd is a service)`)
  }
  return { tools, dir, clientKey: join(dir, 'client_key'), user: userInfo().username, notes }
}

function sshdConfig(setup: SshSetup, host: string, port: number): string {
  const sftp = SFTP_SERVERS.find((p) => existsSync(p)) ?? 'internal-sftp'
  return [
    `Port ${port}`,
    `ListenAddress ${host}`,
    `HostKey ${join(setup.dir, 'host_key')}`,
    'PidFile none',
    `AuthorizedKeysFile ${join(setup.dir, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    // The temp folder is not the user's home, so sshd's ownership checks of it do not apply.
    'StrictModes no',
    'PrintMotd no',
    `Subsystem sftp ${sftp}`,
    // INFO logs "Server listening on ...", which is how the bench knows sshd is ready.
    'LogLevel INFO',
    ''
  ].join('\n')
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

export interface RunningSshd {
  child: BenchChild
  port: number
}

/** Starts a private sshd on `host` (inside `ns` if given); resolves when it listens. */
export async function startSshd(children: ChildSet, setup: SshSetup, host: string, ns: string | undefined, timeoutMs: number): Promise<RunningSshd> {
  let lastError = ''
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = ns ? 20_000 + Math.floor(Math.random() * 40_000) : await freeLoopbackPort()
    const config = join(setup.dir, `sshd_config-${port}`)
    await writeFile(config, sshdConfig(setup, host, port))
    const child = children.spawn('sshd', setup.tools.sshd, ['-D', '-e', '-f', config], { ns, timeoutMs })
    const timer = setTimeout(() => child.kill(), LISTEN_TIMEOUT_MS)
    try {
      await child.waitForStderr(/Server listening on \S+ port \d+/)
      return { child, port }
    } catch {
      lastError = describeExit(child, await child.exited)
    } finally {
      clearTimeout(timer)
    }
  }
  throw new Error(`sshd did not start: ${lastError}`)
}

/** The ssh command line both rsync (-e) and scp use: this run's key, no host-key prompts, no user config. */
export function sshOptions(setup: SshSetup): string[] {
  return ['-F', '/dev/null', '-i', setup.clientKey, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR']
}
