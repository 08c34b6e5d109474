import { ferryApiEvents, ferryApiMethods } from '@ferry/api'
import { beforeEach, describe, expect, it, vi } from 'vitest'

const exposed = vi.hoisted(() => ({ calls: [] as Array<[string, unknown]> }))

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => { exposed.calls.push([key, api]) } },
  ipcRenderer: { invoke: vi.fn(async () => ({ ok: true, value: [] })), send: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
  webUtils: { getPathForFile: vi.fn(() => '/home/ada/a.txt') }
}))

describe('preload', () => {
  beforeEach(async () => {
    exposed.calls.length = 0
    vi.resetModules()
    await import('../src/preload/index.ts')
  })

  it('exposes exactly one object, window.ferry', () => {
    expect(exposed.calls.map(([key]) => key)).toEqual(['ferry'])
  })

  it('window.ferry holds the FerryApi methods, events and resolveDroppedFiles, and nothing else', () => {
    const api = exposed.calls[0]?.[1] as Record<string, unknown>
    const events = ferryApiEvents.map((name) => `on${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`)
    expect(Object.keys(api).sort()).toEqual([...Object.keys(ferryApiMethods), ...events, 'resolveDroppedFiles'].sort())
    for (const value of Object.values(api)) expect(typeof value).toBe('function')
    for (const leak of ['ipcRenderer', 'send', 'invoke', 'on', 'process', 'env', 'require']) expect(api).not.toHaveProperty(leak)
  })

  it('a method call invokes only its own channel, with a call id', async () => {
    const electron = await import('electron')
    const api = exposed.calls[0]?.[1] as { pickFiles: () => Promise<string[]> }
    await api.pickFiles()
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('ferry:call:pickFiles', expect.any(Number))
  })

  it('resolveDroppedFiles asks webUtils.getPathForFile', async () => {
    const api = exposed.calls[0]?.[1] as { resolveDroppedFiles: (files: File[]) => Promise<string[]> }
    expect(await api.resolveDroppedFiles([new File(['x'], 'a.txt')])).toEqual(['/home/ada/a.txt'])
  })
})
