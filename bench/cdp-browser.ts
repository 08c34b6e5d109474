// Chromium driven over the DevTools protocol by hand, for the browser upload: Playwright enables DevTools' Network
// domain on every page and worker, and Chromium then reports each WebSocket frame to it with its payload in base64,
// which measured more than half of Chromium's CPU during an upload (9.4 against 3.9 CPU seconds for 512 MiB) and
// that no browser a person uses pays. This driver enables nothing but what it calls: it opens a page, picks files in
// a file input and reads the page's state, over `--remote-debugging-pipe` (no port).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable, Writable } from 'node:stream'

interface Reply {
  id?: number
  result?: Record<string, unknown>
  error?: { message: string }
}

export interface CdpPage {
  goto: (url: string) => Promise<void>
  /** Evaluates `expression` in the page and returns its value. */
  evaluate: <T>(expression: string) => Promise<T>
  /** Resolves once `expression` is truthy in the page, polled every `everyMs`; rejects after `timeoutMs`. */
  waitFor: (expression: string, timeoutMs: number, everyMs?: number) => Promise<void>
  /** Picks `files` in the file input `selector`, as a person choosing them in the dialog would. */
  setInputFiles: (selector: string, files: readonly string[]) => Promise<void>
}

export interface CdpBrowser {
  /** The Chromium process, for its PID and exit. */
  process: ChildProcess
  newPage: () => Promise<CdpPage>
  close: () => Promise<void>
}

/** Starts Chromium headless with `flags` and a fresh profile, speaking DevTools over a pipe. */
export async function launchCdpBrowser (executablePath: string, flags: readonly string[]): Promise<CdpBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'ferry-bench-chromium-'))
  const child = spawn(executablePath, ['--headless', '--remote-debugging-pipe', `--user-data-dir=${profile}`, ...flags, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe']
  })
  const toChrome = child.stdio[3] as Writable
  const fromChrome = child.stdio[4] as Readable
  const pending = new Map<number, { resolve: (r: Reply) => void, reject: (e: Error) => void }>()
  let nextId = 0
  let buffered = ''
  fromChrome.setEncoding('utf8')
  fromChrome.on('data', (text: string) => {
    buffered += text
    for (let end = buffered.indexOf('\0'); end >= 0; end = buffered.indexOf('\0')) {
      const reply = JSON.parse(buffered.slice(0, end)) as Reply
      buffered = buffered.slice(end + 1)
      if (reply.id === undefined) continue // an event: none is enabled that matters here
      pending.get(reply.id)?.resolve(reply)
      pending.delete(reply.id)
    }
  })
  child.once('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('Chromium exited'))
    pending.clear()
  })
  const call = async (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> => {
    const id = ++nextId
    const reply = await new Promise<Reply>((resolve, reject) => {
      pending.set(id, { resolve, reject })
      toChrome.write(`${JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) })}\0`)
    })
    if (reply.error !== undefined) throw new Error(`${method}: ${reply.error.message}`)
    return reply.result ?? {}
  }

  const newPage = async (): Promise<CdpPage> => {
    const { targetId } = await call('Target.createTarget', { url: 'about:blank' }) as { targetId: string }
    const { sessionId } = await call('Target.attachToTarget', { targetId, flatten: true }) as { sessionId: string }
    const evaluate = async <T>(expression: string): Promise<T> => {
      const { result, exceptionDetails } = await call('Runtime.evaluate', { expression, returnByValue: true }, sessionId) as { result: { value: T }, exceptionDetails?: { text: string } }
      if (exceptionDetails !== undefined) throw new Error(`${expression}: ${exceptionDetails.text}`)
      return result.value
    }
    return {
      goto: async (url) => { await call('Page.navigate', { url }, sessionId) },
      evaluate,
      waitFor: async (expression, timeoutMs, everyMs = 50) => {
        const deadline = Date.now() + timeoutMs
        while (!(await evaluate<boolean>(`Boolean(${expression})`))) {
          if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${expression}`)
          await new Promise((resolve) => setTimeout(resolve, everyMs))
        }
      },
      setInputFiles: async (selector, files) => {
        const { root } = await call('DOM.getDocument', {}, sessionId) as { root: { nodeId: number } }
        const { nodeId } = await call('DOM.querySelector', { nodeId: root.nodeId, selector }, sessionId) as { nodeId: number }
        if (nodeId === 0) throw new Error(`no ${selector} in the page`)
        await call('DOM.setFileInputFiles', { nodeId, files }, sessionId)
      }
    }
  }

  return {
    process: child,
    newPage,
    close: async () => {
      const exited = new Promise<void>((resolve) => { if (child.exitCode !== null || child.signalCode !== null) resolve(); else child.once('exit', () => { resolve() }) })
      await call('Browser.close').catch(() => {})
      const timer = setTimeout(() => { child.kill('SIGKILL') }, 5000)
      await exited
      clearTimeout(timer)
      await rm(profile, { recursive: true, force: true })
    }
  }
}
