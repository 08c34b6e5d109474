// Issue 17: the production build of `ferry` and the package `pnpm pack` makes of it. `pnpm pack` in apps/cli builds
// dist/ afresh (its prepack) and packs it; the same commands then run twice: from the workspace's bundle (what
// `pnpm run setup` builds and `pnpm ferry` runs), and from the tarball installed by npm into an empty prefix, its
// native dependencies fetched from the registry, with this test's Node 22 first in PATH as on a user's machine.

import { randomBytes } from 'node:crypto'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Blake3Hasher } from '@napi-rs/blake-hash'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runFerry, SOURCE_FERRY, type CliRun } from './helpers/cli-process.ts'
import { treeDigest } from './helpers/tree-digest.ts'

const CLI_DIR = fileURLToPath(new URL('../', import.meta.url))
const BUNDLE = join(CLI_DIR, 'dist', 'ferry.js')
const RECORD_LOADS = fileURLToPath(new URL('./helpers/record-loads.ts', import.meta.url))
const { version } = JSON.parse(readFileSync(join(CLI_DIR, 'package.json'), 'utf8')) as { version: string }
const ROOT = join(CLI_DIR, '..', '..', sep)
/**
 * Node 22 (it runs these tests) first in PATH, so the installed bin's `#!/usr/bin/env node` finds it; and nothing
 * of the workspace: not its node_modules/.bin folders, nor the NODE_PATH that pnpm's bin shims set (CommonJS
 * require() would find the workspace's packages through it, and hide a package missing from the install).
 */
const PATH = [dirname(process.execPath), ...(process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '' && !dir.startsWith(ROOT))].join(delimiter)
const OUTSIDE_WORKSPACE = { PATH, NODE_PATH: '' }
const PACK_TIMEOUT_MS = 120_000
const INSTALL_TIMEOUT_MS = 240_000
/** What `ferry --version` must not load: the engine, the app layer, the share server and their libraries. */
const NOT_FOR_VERSION = /\/(packages\/(p2p-core|app-service)\/|node_modules\/(zod|express|ws|archiver|qrcode|bonjour-service|cli-progress|@libp2p|@chainsafe|@napi-rs)\/)/
/**
 * What a `ferry send` to an address must not load before its first byte: LocalSend (its certificates' x509 and ASN.1
 * libraries), the share server (the CLI loads only its duration parser and its limits, for share's --expires), MIME types, the
 * look-alike table for aliases (no alias is compared), mDNS, and zod's error messages in other languages than English
 * (the bundle keeps them out; from the sources zod loads them all, so only the bundle can show it).
 */
const NOT_FOR_SEND = /\/(packages\/localsend\/|packages\/http-share\/(?!src\/(duration|limits)\.ts$)|node_modules\/(@peculiar|asn1js|mime-db|mime-types|express|unhomoglyph|bonjour-service|multicast-dns)\/)/
const NOT_FOR_SEND_BUNDLED = /\/node_modules\/zod\/v4\/locales\/(?!en\.js$)/

const run = promisify(execFile)
let work: string
let tarball: string
const children: CliRun[] = []

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ferry-bundle-'))
  // The tarball goes to the temp folder; prepack rebuilds apps/cli/dist from the current sources.
  await run('pnpm', ['pack', '--pack-destination', work], { cwd: CLI_DIR, env: { ...process.env, PATH }, timeout: PACK_TIMEOUT_MS })
  const packed = (await readdir(work)).filter((name) => name.endsWith('.tgz'))
  expect(packed).toHaveLength(1)
  tarball = join(work, packed[0] as string)
}, PACK_TIMEOUT_MS)

afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL')
})

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true })
})

/** pnpm's npm_* variables (its user agent, lifecycle, settings) are not npm's; registry and cache settings are kept. */
function npmEnv (): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) || /^npm_config_(registry|cache|https?_proxy|proxy|noproxy|cafile|strict_ssl)$/i.test(key)) env[key] = value
  }
  return { ...env, ...OUTSIDE_WORKSPACE, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' }
}

/** The modules a `ferry --version` from the sources loaded, as file paths. */
async function sourceLoads (dir: string): Promise<string[]> {
  const list = join(dir, 'loads-sources.txt')
  const [node, main] = SOURCE_FERRY as [string, string]
  const { stdout } = await run(node, ['--import', RECORD_LOADS, main, '--version'], { env: { ...process.env, FERRY_TEST_LOADS: list } })
  expect(stdout.trim()).toBe(version)
  return (await readFile(list, 'utf8')).split('\n').filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url))
}

/** The sources inside the bundle's files that a bundled `ferry --version` loaded (from esbuild's metafile). */
async function bundleLoads (dir: string): Promise<string[]> {
  const list = join(dir, 'loads-bundle.txt')
  const { stdout } = await run(process.execPath, ['--import', RECORD_LOADS, BUNDLE, '--version'], { env: { ...process.env, FERRY_TEST_LOADS: list } })
  expect(stdout.trim()).toBe(version)
  return await bundledSources(list)
}

/** The files a recorded `ferry send FILE --to ADDRESS` loaded, from `ferry` (the sources or the bundle) to a receiver. */
async function sendLoads (dir: string, ferry: readonly string[], name: string): Promise<string> {
  const list = join(dir, `loads-send-${name}.txt`)
  const file = join(dir, 'one.bin')
  await writeFile(file, randomBytes(64 * 1024))
  const receiver = runFerry(['receive', '--yes', '--once', '--json', '--host', '127.0.0.1', '--port', '0', '--dir', join(dir, `received-${name}`)],
    { FERRY_CONFIG_DIR: join(dir, `receiver-${name}`) }, [], [process.execPath, BUNDLE])
  const [node, ...rest] = ferry as [string, ...string[]]
  const sender = runFerry(['send', file, '--to', (await receiver.waitFor('listening')).address as string, '--json'],
    { FERRY_CONFIG_DIR: join(dir, `sender-${name}`), FERRY_TEST_LOADS: list }, [], [node, '--import', RECORD_LOADS, ...rest])
  children.push(receiver, sender)
  const [sent, got] = await Promise.all([sender.exited, receiver.exited])
  expect(sent.code, sent.stderr + sent.stdout).toBe(0)
  expect(got.code, got.stderr).toBe(0)
  return list
}

/** The file paths in a list of loaded URLs. */
async function loadedFiles (list: string): Promise<string[]> {
  return (await readFile(list, 'utf8')).split('\n').filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url))
}

/** The sources inside the bundle's files named in a list of loaded URLs (from esbuild's metafile). */
async function bundledSources (list: string): Promise<string[]> {
  const meta = JSON.parse(await readFile(join(CLI_DIR, 'dist', 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> }
  const outputs = (await loadedFiles(list)).filter((path) => path.startsWith(join(CLI_DIR, 'dist')))
  expect(outputs.length).toBeGreaterThan(0)
  return outputs.flatMap((path) => Object.keys(meta.outputs[`dist/${path.slice(join(CLI_DIR, 'dist').length + 1)}`]?.inputs ?? {}))
}

function blake3Of (bytes: Buffer): string {
  const hasher = new Blake3Hasher()
  hasher.update(bytes)
  return hasher.digest('hex')
}

/** The checks every way of running `ferry` must pass: the four commands a user of the package runs. */
function commandChecks (ferry: () => readonly string[], env: () => Record<string, string>): void {
  let dir: string
  beforeAll(async () => { dir = await mkdtemp(join(work, 'run-')) })

  const start = (args: string[], name: string): CliRun => {
    const child = runFerry(args, { ...env(), FERRY_CONFIG_DIR: join(dir, `config-${name}`) }, [], ferry())
    children.push(child)
    return child
  }

  it('prints its version', async () => {
    const exited = await start(['--version'], 'version').exited
    expect(exited.code, exited.stderr).toBe(0)
    expect(exited.stdout.trim()).toBe(version)
  })

  it('moves a folder between two of its processes (receive --yes --once --json, send --to), every byte equal', async () => {
    const src = join(dir, 'folder')
    await mkdir(join(src, 'nested', 'deeper'), { recursive: true })
    await writeFile(join(src, 'big.bin'), randomBytes(3 * 1024 * 1024 + 17))
    await writeFile(join(src, 'empty'), '')
    for (let i = 0; i < 5; i++) await writeFile(join(src, 'nested', 'deeper', `small-${i}.txt`), randomBytes(i * 1000))
    const received = join(dir, 'received')
    const receiver = start(['receive', '--yes', '--once', '--json', '--host', '127.0.0.1', '--port', '0', '--dir', received], 'receiver')
    const listening = await receiver.waitFor('listening')
    const sender = start(['send', src, '--to', listening.address as string, '--json'], 'sender')
    const [sent, got] = await Promise.all([sender.exited, receiver.exited])
    expect(sent.code, sent.stderr + sent.stdout).toBe(0)
    expect(got.code, got.stderr).toBe(0)
    expect(await treeDigest(join(received, 'folder'))).toEqual(await treeDigest(src))
  })

  it('shares a folder: the recipient page and its assets, a download and its BLAKE3 (from the hash worker)', async () => {
    const src = join(dir, 'shared')
    await mkdir(src, { recursive: true })
    const bytes = randomBytes(500_000)
    await writeFile(join(src, 'photo.jpg'), bytes)
    const share = start(['share', src, '--host', '127.0.0.1', '--port', '0', '--json'], 'share')
    const url = (await share.waitFor('share')).url as string
    const page = await fetch(url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('page.js')
    for (const asset of ['page.js', 'page.css', 'hash-wasm-blake3.js']) expect((await fetch(new URL(`/assets/${asset}`, url))).status, asset).toBe(200)
    const manifest = await (await fetch(`${url}files`)).json() as { files: Array<{ id: number, size: number }> }
    const file = manifest.files.find((f) => f.size === bytes.length)
    expect(file).toBeDefined()
    const download = await fetch(`${url}files/${file?.id}`)
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true)
    const hash = await (await fetch(`${url}files/${file?.id}/blake3`)).json() as { blake3: string }
    expect(hash.blake3).toBe(blake3Of(bytes))
    share.child.kill('SIGINT')
    const exited = await share.exited
    expect(exited.code, exited.stderr).toBe(0)
  })

  it('serves the built UI with `ferry ui`, and its API answers over the page\'s WebSocket', async () => {
    const ui = start(['ui', '--json', '--host', '127.0.0.1', '--port', '0', '--dir', join(dir, 'ui-downloads')], 'ui')
    const started = await ui.waitFor('ui')
    // Sign in as a browser would: the one-time launch link answers with a session cookie and sends it to /.
    const launch = new URL(started.url as string)
    const signedIn = await fetch(launch, { redirect: 'manual' })
    expect(signedIn.status).toBe(303)
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] as string
    const url = new URL('/', launch)
    const html = await (await fetch(url, { headers: { cookie } })).text()
    expect(html).toContain('<div id="root">')
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(script).toBeDefined()
    const asset = await fetch(new URL(script as string, url), { headers: { cookie } })
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/)

    // What the page does first: ask for the state over /api with its session cookie and its own Origin.
    const answer = await new Promise<{ result?: { device?: { peerId?: string } } }>((resolve, reject) => {
      const socket = new WebSocket(`ws://${url.host}/api`, { headers: { origin: url.origin, cookie } })
      const timer = setTimeout(() => { socket.close(); reject(new Error('no answer from the UI\'s API')) }, 20_000)
      socket.onopen = () => { socket.send(JSON.stringify({ id: 1, method: 'getState', args: [] })) }
      socket.onmessage = (event) => {
        const frame = JSON.parse(String(event.data)) as { id?: number, result?: { device?: { peerId?: string } } }
        if (frame.id !== 1) return
        clearTimeout(timer)
        socket.close()
        resolve(frame)
      }
      socket.onerror = () => { clearTimeout(timer); reject(new Error('the UI\'s API socket failed')) }
    })
    expect(answer.result?.device?.peerId).toBe((started.device as { peerId: string }).peerId)
    ui.child.kill('SIGTERM')
    const exited = await ui.exited
    expect(exited.code, exited.stderr).toBe(0)
  })
}

describe('issue 17: the bundled ferry (apps/cli/dist, as pnpm run setup builds it)', () => {
  it('--version loads neither the engine, the app layer nor the share server: from the sources and from the bundle', async () => {
    const dir = await mkdtemp(join(work, 'loads-'))
    for (const loaded of [await sourceLoads(dir), await bundleLoads(dir)]) {
      expect(loaded.some((path) => path.includes('/node_modules/commander/')), 'the recorder saw commander load').toBe(true)
      expect(loaded.filter((path) => NOT_FOR_VERSION.test(path))).toEqual([])
    }
  })

  it('issue 17: a send to an address loads neither LocalSend, the share server, MIME types, the alias look-alike table nor zod\'s non-English locales: from the sources and from the bundle', async () => {
    const dir = await mkdtemp(join(work, 'send-loads-'))
    const fromSources = await loadedFiles(await sendLoads(dir, SOURCE_FERRY, 'sources'))
    expect(fromSources.some((path) => path.includes('/packages/p2p-core/')), 'the recorder saw the engine load').toBe(true)
    expect(fromSources.filter((path) => NOT_FOR_SEND.test(path))).toEqual([])
    const fromBundle = await bundledSources(await sendLoads(dir, [process.execPath, BUNDLE], 'bundle'))
    expect(fromBundle.some((path) => path.includes('/packages/p2p-core/')), 'the recorder saw the engine chunk load').toBe(true)
    // The bundle holds the look-alike table and mDNS in the engine's chunk, run only when first required.
    expect(fromBundle.filter((path) => NOT_FOR_SEND_BUNDLED.test(path) || (NOT_FOR_SEND.test(path) && !/\/node_modules\/(unhomoglyph|bonjour-service|multicast-dns)\//.test(path)))).toEqual([])
  })

  it('holds the packages the workspace loads lazily with createRequire (ws, bonjour-service), so no install needs them', async () => {
    const meta = JSON.parse(await readFile(join(CLI_DIR, 'dist', 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> }
    for (const name of ['ws', 'bonjour-service']) expect(Object.keys(meta.inputs).some((path) => path.includes(`/node_modules/${name}/`)), name).toBe(true)
  })

  commandChecks(() => [process.execPath, BUNDLE], () => OUTSIDE_WORKSPACE)
})

describe('issue 17: ferry installed from the packed tarball with npm into an empty prefix', () => {
  let prefix: string

  beforeAll(async () => {
    prefix = join(work, 'prefix')
    // --prefer-offline: npm's cache where it has the packages; the registry for the rest (a fresh machine).
    await run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], { env: npmEnv(), timeout: INSTALL_TIMEOUT_MS })
  }, INSTALL_TIMEOUT_MS)

  it('holds only the bundle; its dependencies are the native modules, which npm installed', async () => {
    const root = join(prefix, 'lib', 'node_modules', '@ferry', 'cli')
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@chainsafe/libp2p-quic', '@napi-rs/blake-hash', 'bufferutil'])
    const installed = await readdir(join(root, 'node_modules'))
    for (const bundled of ['commander', 'zod', 'express', 'ws', '@ferry']) expect(installed, bundled).not.toContain(bundled)
    expect(await readdir(join(root, 'dist'))).not.toContain('start.js')
  })

  commandChecks(() => [join(prefix, 'bin', 'ferry')], () => OUTSIDE_WORKSPACE)
})
