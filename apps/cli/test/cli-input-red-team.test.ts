// Red team, bad input on the command line: every `ferry` command answers a value it cannot use with one clear line
// (a JSON error line with --json) and a stable code, exits non-zero at once, and starts nothing and writes nothing.
// Before these fixes some of these printed a TypeError with its stack, FERRY_ERR_INTERNAL, or listened on a port
// the user never wrote.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createSocket } from 'node:dgram'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exitWithin, runFerry } from './helpers/cli-process.ts'

const homes: string[] = []
/** Every process started here: one still running at the end (a test that timed out first) is killed, never left. */
const children: Array<{ kill: (signal: NodeJS.Signals) => boolean, exitCode: number | null, signalCode: NodeJS.Signals | null }> = []
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  for (const home of homes) rmSync(home, { recursive: true, force: true })
})

/** How long a refusal may take; a command that starts serving instead is still running then (and is killed). */
const REFUSED_WITHIN_MS = 12_000

/** Per test: a refusal plus the time to start the process on a busy machine, in ms. */
const TEST_TIMEOUT_MS = 30_000

/** What a clear error never shows. */
const NEVER = [/FERRY_ERR_INTERNAL/, /^\s+at .+:\d+:\d+\)?$/m, /TypeError/, /Invalid time value/, /\bundefined\b/, /\[object Object\]/]

/**
 * Runs `ferry ARGS` with a fresh home, after `prepare` put things there; `HOME/` in an argument is that home.
 * `files`: what is in the home afterwards.
 */
async function refused (args: readonly string[], prepare: (home: string) => void = () => {}): Promise<{ code: number | null | string, stdout: string, stderr: string, files: string[] }> {
  const home = mkdtempSync(join(tmpdir(), 'ferry-rt-input-'))
  homes.push(home)
  prepare(home)
  const run = runFerry(args.map((arg) => arg.replace(/^HOME\//, `${home}/`)), { HOME: home, FERRY_CONFIG_DIR: join(home, 'config') })
  children.push(run.child)
  const code = await exitWithin(run, REFUSED_WITHIN_MS)
  if (typeof code === 'string') run.child.kill('SIGKILL')
  const { stdout, stderr } = await run.exited
  return { code, stdout, stderr, files: readdirSync(home, { recursive: true }).map(String) }
}

const ID = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNq2Hs6kKykkWNaS8ZRuKrA'

describe('a value an option cannot use is a one-line usage error, and nothing starts or is written', () => {
  it.concurrent.each([
    // Milliseconds: a TypeError with its stack before.
    [['peers', '--wait', '1.5'], /--wait <ms>.*'1\.5' is invalid\. give a whole number of milliseconds/],
    [['receive', '--once', '--reconnect-wait', 'abc'], /--reconnect-wait <ms>.*'abc' is invalid/],
    [['send', '--discover-timeout', '-1', '--to', 'nas', 'a.txt'], /--discover-timeout <ms>.*'-1' is invalid/],
    [['pair', '--discover-timeout', 'NaN', '--to', 'nas', '--pin', '123456'], /--discover-timeout <ms>.*'NaN' is invalid/],
    // Ports Number() reads but nobody writes as a port: listened on 1000, 16 and 80 before.
    [['receive', '--port', '1e3'], /--port <port>.*'1e3' is invalid\. a port is a whole number from 0 to 65535/],
    [['share', '--port', '0x10', 'a.txt'], /--port <port>.*'0x10' is invalid/],
    [['ui', '--port', ' 80'], /--port <port>.*' 80' is invalid/],
    [['receive', '--localsend-port', ''], /--localsend-port <port>.*'' is invalid/],
    // Hosts that are not an address of this computer: FERRY_ERR_INTERNAL before; an empty one listened everywhere.
    [['receive', '--host', 'notanaddress'], /--host <host>.*'notanaddress' is invalid\. give an IP address/],
    [['share', '--host', '', 'a.txt'], /--host <host>.*'' is invalid/],
    [['ui', '--host', 'fe80::1%lo'], /--host <host>.*'fe80::1%lo' is invalid/],
    // An argument echoed in the error: its newline and escape sequence escaped (before: two lines and a cleared screen).
    [['receive', '--host', 'x\u001b[2J\ny'], /--host <host>.*'x\\u001b\[2J\\u000ay' is invalid/],
    [['send', '--to', '127.0.0.1:1e3', 'a.txt'], /"1e3" is not a port \(a whole number from 1 to 65535\)/]
  ])('ferry %j', async (args, message) => {
    const result = await refused(args)
    expect(result.code).toBe(1)
    const lines = result.stderr.trim().split('\n')
    expect(lines[0]).toMatch(message)
    expect(lines.slice(1)).toEqual([`see ferry ${args[0] ?? ''} --help`])
    for (const pattern of NEVER) expect(result.stderr + result.stdout).not.toMatch(pattern)
    expect(result.files).toEqual([])
  }, TEST_TIMEOUT_MS)

  it('with --json the usage error is also a JSON line on stdout, with the code FERRY_ERR_USAGE', async () => {
    const result = await refused(['send', '--json', '--to', '127.0.0.1:', 'a.txt'])
    expect(result.code).toBe(1)
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines).toEqual([{ type: 'error', code: 'FERRY_ERR_USAGE', message: expect.stringMatching(/127\.0\.0\.1: has no port/) as unknown }])
    expect(result.stderr).toMatch(/^ferry: option .*127\.0\.0\.1: has no port/)
    expect(result.files).toEqual([])
  }, TEST_TIMEOUT_MS)
})

describe('an address that is not one is FERRY_ERR_BAD_ADDRESS, said at once (not searched for, not internal)', () => {
  it.concurrent.each([
    [['peers', '--wait', '0', '--add', '::::'], /"::::" is not HOST:PORT\[\/DEVICE_ID\]/],
    [['peers', '--wait', '0', '--add', '127.0.0.1:1/'], /"127\.0\.0\.1:1\/" has a "\/" but no device id after it/],
    [['trust', '[::1]:1'], /\[::1\]:1 names no device: give the device id too/],
    [['send', '--to', '127.0.0.1:0', 'a.txt'], /Port 0 is out of range \(1 to 65535\)/],
    [['send', '--to', `[fe80::1%lo]:1/${ID}`, 'a.txt'], /is not HOST:PORT\[\/DEVICE_ID\]/]
  ])('ferry %j', async (args, message) => {
    const result = await refused([...args, ...(args[0] === 'trust' ? [] : ['--no-mdns'])])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).toContain('(FERRY_ERR_BAD_ADDRESS)')
    for (const pattern of NEVER) expect(result.stderr + result.stdout).not.toMatch(pattern)
  }, TEST_TIMEOUT_MS)
})

describe('a --dir that cannot take files is refused before anything starts', () => {
  const file = (home: string): void => { writeFileSync(join(home, 'f'), 'x') }
  const dangling = (home: string): void => { symlinkSync(join(home, 'nowhere'), join(home, 'l')) }
  it.concurrent.each([
    [['receive', '--dir', 'HOME/f'], file, 'f'],
    [['receive', '--json', '--dir', 'HOME/l'], dangling, 'l'],
    [['share', '--allow-upload', '--dir', 'HOME/f'], file, 'f'],
    [['trust', ID, '--auto-accept', '--dir', 'HOME/f'], file, 'f'],
    [['ui', '--dir', 'HOME/l'], dangling, 'l']
  ] as const)('ferry %j', async (args, prepare, name) => {
    // Before: receive, share and ui started serving (a transfer would have failed at its first byte); trust saved it.
    const result = await refused(args, prepare)
    expect(result.code).toBe(1)
    expect(result.stdout + result.stderr).toMatch(new RegExp(`The download folder \\S+/${name} is not a folder Ferry can save into`))
    expect(result.stdout + result.stderr).toContain('FERRY_ERR_API_INVALID_ARGUMENT')
    expect(result.files.sort()).toEqual([name])
  }, TEST_TIMEOUT_MS)
})

describe('a damaged device key is FERRY_ERR_IDENTITY_FILE naming the file, and it is left as it was', () => {
  it.concurrent.each([
    ['truncated', (key: string) => { writeFileSync(key, 'abcdefghij') }],
    ['empty', (key: string) => { writeFileSync(key, '') }],
    ['a folder', (key: string) => { mkdirSync(key) }]
  ] as const)('%s', async (_what, damage) => {
    // Before: FERRY_ERR_INTERNAL with "index out of range: 10 + 10 > 10", "Unsupported key type" or EISDIR.
    let key = ''
    const result = await refused(['peers', '--wait', '0'], (home) => {
      mkdirSync(join(home, 'config'))
      key = join(home, 'config', 'identity.key')
      damage(key)
    })
    const before = result.files
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/identity\.key cannot be used as this device's key \(.+\); move it away and Ferry makes a new key/)
    expect(result.stderr).toContain('(FERRY_ERR_IDENTITY_FILE)')
    for (const pattern of NEVER) expect(result.stderr + result.stdout).not.toMatch(pattern)
    expect(before.sort()).toEqual(['config', join('config', 'identity.key')])
    if (_what !== 'a folder') expect(readFileSync(key, 'utf8')).toBe(_what === 'empty' ? '' : 'abcdefghij')
  }, TEST_TIMEOUT_MS)

  it('a key that links to nowhere is said so, and nothing is written where it points', async () => {
    let outside = ''
    const result = await refused(['peers', '--wait', '0'], (home) => {
      mkdirSync(join(home, 'config'))
      outside = join(home, 'elsewhere', 'key')
      symlinkSync(outside, join(home, 'config', 'identity.key'))
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/identity\.key cannot be used as this device's key .*\(FERRY_ERR_IDENTITY_FILE\)/)
    expect(existsSync(outside)).toBe(false)
  }, TEST_TIMEOUT_MS)

  // A real EACCES needs a user other than root.
  it.skipIf(process.getuid?.() !== 0)('a config folder this user cannot create says so (as nobody)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ferry-rt-input-'))
    homes.push(home)
    chmodSync(home, 0o755)
    mkdirSync(join(home, 'locked'), { mode: 0o555 })
    const run = runFerry(['peers', '--wait', '0'], { HOME: home, FERRY_CONFIG_DIR: join(home, 'locked', 'config') },
      ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'])
    children.push(run.child)
    const exited = await run.exited
    // Before: "EACCES: permission denied, mkdir ..." (FERRY_ERR_INTERNAL).
    expect(exited.code).toBe(1)
    expect(exited.stderr).toMatch(/^ferry: Cannot create this device's key in \S+locked\/config \(EACCES.*\); make that folder writable, or use another config folder \(FERRY_ERR_IDENTITY_FILE\)\n$/)
    expect(readdirSync(join(home, 'locked'))).toEqual([])
  }, TEST_TIMEOUT_MS)
})

describe('a port that is taken, or an address not of this computer, is FERRY_ERR_LISTEN_FAILED saying which', () => {
  const tcp = createServer()
  const udp = createSocket('udp4')
  let tcpPort = 0
  let udpPort = 0
  beforeAll(async () => {
    await new Promise<void>((resolve) => { tcp.listen(0, '127.0.0.1', resolve) })
    await new Promise<void>((resolve) => { udp.bind(0, '127.0.0.1', resolve) })
    tcpPort = (tcp.address() as AddressInfo).port
    udpPort = udp.address().port
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => { tcp.close(() => { resolve() }) })
    await new Promise<void>((resolve) => { udp.close(resolve) })
  })

  it.concurrent.each<[string, () => string[], () => string]>([
    // Before: "listen EADDRINUSE: address already in use ..." or "Address already in use (os error 98)", FERRY_ERR_INTERNAL.
    ['share', () => ['share', '--host', '127.0.0.1', '--port', String(tcpPort), 'HOME/a.txt'], () => `127.0.0.1:${tcpPort}: the port is taken by another program`],
    ['receive', () => ['receive', '--host', '127.0.0.1', '--port', String(udpPort)], () => `127.0.0.1:${udpPort}: the port is taken by another program`],
    ['ui', () => ['ui', '--host', '127.0.0.1', '--port', String(tcpPort)], () => `127.0.0.1:${tcpPort}: the port is taken by another program`],
    // 192.0.2.0/24 is reserved for documentation: never an address of this computer, and nothing is sent to it.
    ['share on 192.0.2.7', () => ['share', '--host', '192.0.2.7', 'HOME/a.txt'], () => '192.0.2.7:0: that address is not one of this computer']
  ])('%s', async (_name, args, said) => {
    const result = await refused(args(), (home) => { writeFileSync(join(home, 'a.txt'), 'a') })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`Cannot listen on ${said()}`)
    expect(result.stderr).toContain('(FERRY_ERR_LISTEN_FAILED)')
    for (const pattern of NEVER) expect(result.stderr + result.stdout).not.toMatch(pattern)
  }, TEST_TIMEOUT_MS)
})
