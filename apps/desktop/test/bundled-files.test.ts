// Where the packaged app finds its hash worker and share page: beside main, in the asar's unpacked twin.

import { sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bundledFiles, unpacked } from '../src/main/bundled-files.ts'

describe('bundled files', () => {
  it('point into app.asar.unpacked when main runs from inside an asar archive', () => {
    const main = ['', 'opt', 'Ferry', 'resources', 'app.asar', 'out', 'main'].join(sep)
    const files = bundledFiles(main)
    expect(fileURLToPath(files.hashWorkerUrl)).toBe(['', 'opt', 'Ferry', 'resources', 'app.asar.unpacked', 'out', 'main', 'hash-worker.js'].join(sep))
    expect(fileURLToPath(files.sharePageDir)).toBe(['', 'opt', 'Ferry', 'resources', 'app.asar.unpacked', 'out', 'main', 'share-page', ''].join(sep))
  })

  it('stay where they are outside an archive (electron-vite preview, or a folder named like one)', () => {
    expect(unpacked(['', 'work', 'apps', 'desktop', 'out', 'main', 'hash-worker.js'].join(sep))).toBe(['', 'work', 'apps', 'desktop', 'out', 'main', 'hash-worker.js'].join(sep))
    expect(unpacked(['', 'x', 'app.asar.d', 'main'].join(sep))).toBe(['', 'x', 'app.asar.d', 'main'].join(sep))
  })
})
