// Runs the real `electron-vite build` (a few seconds; bounded at 90 s), checks the three runtimes it leaves in out/,
// and then runs the built main bundle itself under Node with `electron` stubbed (test/helpers/electron-stub): the
// bundle must start its engine, hash in its own worker file, serve the share page from its own copy, send a file to
// another Ferry through the IPC handlers the page would call, and shut down cleanly.

import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFerryService, type FerryService } from '@ferry/app-service'
import type { OfferEvent } from '@ferry/api'

const root = join(import.meta.dirname, '..')
const out = join(root, 'out')

/** The built main under Node, driven over the stub's stdin/stdout protocol. */
class BundledMain {
  readonly child: ChildProcess
  readonly events: Array<{ event: string, payload: unknown }> = []
  readonly #answers = new Map<number, (result: { ok: boolean, value?: unknown, error?: { code: string, message: string } }) => void>()
  readonly #eventWaiters = new Set<() => void>()
  #next = 0
  stderr = ''
  /** Resolves when main has loaded its page (its engine and IPC handlers are up). */
  readonly ready: Promise<void>
  #onReady: () => void = () => {}

  constructor (stubDir: string) {
    this.child = spawn(process.execPath, ['--import', join(root, 'test/helpers/electron-stub/register.ts'), join(out, 'main/index.js')], {
      env: { ...process.env, FERRY_STUB_DIR: stubDir, FERRY_NO_MDNS: '1' }, stdio: ['pipe', 'pipe', 'pipe']
    })
    this.ready = new Promise((resolve) => { this.#onReady = resolve })
    this.child.stderr?.on('data', (chunk: Buffer) => { this.stderr += chunk.toString() })
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.startsWith('STUB ')) return
      const message = JSON.parse(line.slice(5)) as { id?: number, result?: never, event?: string, payload?: unknown, ready?: boolean }
      if (message.ready === true) this.#onReady()
      if (message.id !== undefined) this.#answers.get(message.id)?.(message.result as never)
      if (message.event !== undefined) {
        this.events.push({ event: message.event, payload: message.payload })
        for (const wake of this.#eventWaiters) wake()
      }
    })
  }

  /** Calls a FerryApi method as the page would; resolves with its value, rejects with its error's code. */
  async call (method: string, ...args: unknown[]): Promise<unknown> {
    const id = ++this.#next
    const result = await new Promise<{ ok: boolean, value?: unknown, error?: { code: string, message: string } }>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`no answer to ${method}; stderr: ${this.stderr}`)) }, 20_000)
      this.#answers.set(id, (r) => { clearTimeout(timer); resolve(r) })
      this.child.stdin?.write(JSON.stringify({ id, method, args }) + '\n')
    })
    if (!result.ok) throw new Error(`${method}: ${result.error?.code ?? '?'} ${result.error?.message ?? ''}`)
    return result.value
  }

  async waitForEvent (match: (e: { event: string, payload: unknown }) => boolean, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms
    while (!this.events.some(match)) {
      if (Date.now() > deadline) throw new Error(`no matching event; stderr: ${this.stderr}`)
      await new Promise<void>((resolve) => {
        const wake = (): void => { this.#eventWaiters.delete(wake); clearTimeout(timer); resolve() }
        const timer = setTimeout(wake, 200)
        this.#eventWaiters.add(wake)
      })
    }
  }

  async quit (): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => { this.child.once('exit', (code) => { resolve(code) }) })
    this.child.stdin?.write(JSON.stringify({ quit: true }) + '\n')
    return await exited
  }
}

describe('electron-vite build', () => {
  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, timeout: 90_000 })
  }, 120_000)

  it('writes main, a self-contained CommonJS preload, and a renderer page with a strict CSP', async () => {
    expect(await readFile(join(out, 'main/index.js'), 'utf8')).toContain('ferry:call:')
    const preload = await readFile(join(out, 'preload/index.cjs'), 'utf8')
    expect([...new Set(preload.match(/require\("[^"]+"\)/g))]).toEqual(['require("electron")'])
    const html = await readFile(join(out, 'renderer/index.html'), 'utf8')
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1].replaceAll('&#39;', "'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
  })

  describe('the built main, under Node with electron stubbed', () => {
    let dir: string
    let receiver: FerryService
    let main: BundledMain | undefined

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'ferry-bundle-'))
      receiver = await createFerryService({
        configDir: join(dir, 'receiver'), downloadDir: join(dir, 'received'), listen: { host: '127.0.0.1', port: 0 }, shareHost: '127.0.0.1', mdns: false
      })
    })

    afterAll(async () => {
      if (main !== undefined && main.child.exitCode === null) main.child.kill('SIGKILL')
      await receiver?.close()
      await rm(dir, { recursive: true, force: true })
    })

    it('starts its engine, sends a verified file through the IPC handlers, serves a share page from its own copy, and quits cleanly', async () => {
      const bundle = main = new BundledMain(join(dir, 'stub'))
      await Promise.race([bundle.ready, new Promise((_resolve, reject) => {
        setTimeout(() => { reject(new Error(`main did not start: ${bundle.stderr}`)) }, 20_000)
        bundle.child.once('exit', (code) => { reject(new Error(`main exited with ${code}: ${bundle.stderr}`)) })
      })])
      const state = await bundle.call('getState') as { device: { peerId: string } }
      expect(state.device.peerId).toMatch(/^12D3KooW/)

      const file = join(dir, 'photo.bin')
      const bytes = randomBytes(3 * 1024 * 1024 + 17)
      await writeFile(file, bytes)
      receiver.onOffer((e: OfferEvent) => { if (e.type === 'added') void receiver.respondToOffer(e.offer.id, { accept: true }) })
      const target = (await receiver.getState()).device
      const peer = await bundle.call('addPeerByAddress', `127.0.0.1:${target.addresses[0]?.port}/${target.peerId}`) as { id: string }
      const { transferId } = await bundle.call('sendFiles', peer.id, [file]) as { transferId: string }
      // Hashing runs in out/main/hash-worker.js: a missing worker file fails the transfer instead.
      await bundle.waitForEvent((e) => e.event === 'ferry:event:transfer' &&
        (e.payload as { type: string, transfer?: { id: string, status: string } }).transfer?.id === transferId &&
        (e.payload as { transfer: { status: string } }).transfer.status === 'completed')
      expect((await readFile(join(dir, 'received', 'photo.bin'))).equals(bytes)).toBe(true)

      const share = await bundle.call('createShare', { paths: [file], pin: false, expiresInMs: 60_000, allowUpload: false }) as { urls: string[] }
      // The server listens on every interface; this test talks to it over loopback only.
      const link = new URL(share.urls[0] ?? '')
      link.hostname = '127.0.0.1'
      const page = await fetch(link)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<html')
      const hashing = await fetch(new URL('/assets/hash-wasm-blake3.js', link))
      expect(hashing.status).toBe(200)

      expect(await bundle.quit()).toBe(0)
    }, 60_000)
  })
})
