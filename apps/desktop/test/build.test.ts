// Runs the real `electron-vite build` (a few seconds; bounded at 90 s) and checks the three runtimes it leaves in out/.

import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')
const out = join(root, 'out')

describe('electron-vite build', () => {
  it('writes main, a self-contained CommonJS preload, and a renderer page with a strict CSP', async () => {
    await promisify(execFile)(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, timeout: 90_000 })
    expect(await readFile(join(out, 'main/index.js'), 'utf8')).toContain('ferry:call:')
    const preload = await readFile(join(out, 'preload/index.cjs'), 'utf8')
    expect([...new Set(preload.match(/require\("[^"]+"\)/g))]).toEqual(['require("electron")'])
    const html = await readFile(join(out, 'renderer/index.html'), 'utf8')
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1].replaceAll('&#39;', "'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
  }, 120_000)
})
