import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MAX_FILES_PER_REPORT } from '../src/transfer/file-progress.ts'
import { ProgressMeter, type TransferProgress } from '../src/transfer/progress.ts'

describe('ProgressMeter', () => {
  it('reports at most perSecond times a second however often bytes are added', async () => {
    const seen: TransferProgress[] = []
    const meter = new ProgressMeter({ totalBytes: 1e9, totalFiles: 1, perSecond: 10, onProgress: (p) => seen.push(p) })
    meter.start()
    const until = performance.now() + 1000
    while (performance.now() < until) {
      meter.add(1000)
      await new Promise((resolve) => setImmediate(resolve))
    }
    meter.stop()
    expect(seen.length).toBeGreaterThanOrEqual(5)
    expect(seen.length).toBeLessThanOrEqual(12) // 10 ticks plus the final report, with a tick of slack
    expect(seen.at(-1)?.bytesDone).toBe(meter.bytesDone)
  })

  it('keeps counting when a listener throws', () => {
    const meter = new ProgressMeter({ totalBytes: 10, totalFiles: 1, perSecond: 10, onProgress: () => { throw new Error('slow UI') } })
    meter.start()
    meter.add(10)
    expect(() => { meter.stop() }).not.toThrow()
    expect(meter.snapshot()).toMatchObject({ bytesDone: 10, totalBytes: 10, etaSeconds: 0 })
  })

  it('starts from the resumed bytes', () => {
    const meter = new ProgressMeter({ totalBytes: 100, totalFiles: 1, perSecond: 10, onProgress: () => {} })
    meter.start(40)
    meter.stop()
    expect(meter.snapshot().bytesDone).toBe(40)
  })
})

describe('ProgressMeter per-file progress', () => {
  beforeEach(() => { vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }) })
  afterEach(() => { vi.useRealTimers() })

  /** A started meter (10 reports a second) whose reports are recorded; tick() runs one report interval. */
  function recorded (options: { maxFilesPerReport?: number, initialBytes?: number } = {}): {
    meter: ProgressMeter
    reports: TransferProgress[]
    tick: () => TransferProgress | undefined
  } {
    const reports: TransferProgress[] = []
    const meter = new ProgressMeter({
      totalBytes: 1e9, totalFiles: 1e5, perSecond: 10, onProgress: (p) => reports.push(p),
      ...(options.maxFilesPerReport === undefined ? {} : { maxFilesPerReport: options.maxFilesPerReport })
    })
    meter.start(options.initialBytes)
    const tick = (): TransferProgress | undefined => {
      const before = reports.length
      vi.advanceTimersByTime(100)
      return reports.length > before ? reports.at(-1) : undefined
    }
    return { meter, reports, tick }
  }

  it('lists only the files whose numbers changed since the previous report', () => {
    const { meter, tick } = recorded()
    meter.fileStarted(0, 0)
    meter.fileStarted(1, 0)
    meter.add(10, 0)
    meter.add(20, 1)
    expect(tick()?.files).toEqual([{ id: 0, bytesDone: 10, done: false }, { id: 1, bytesDone: 20, done: false }])
    meter.add(5, 1)
    expect(tick()?.files).toEqual([{ id: 1, bytesDone: 25, done: false }])
  })

  it('lists a file that changed many times between two reports once, with its latest numbers', () => {
    const { meter, tick } = recorded()
    meter.fileStarted(4, 0)
    for (let i = 0; i < 100; i++) meter.add(1, 4)
    expect(tick()?.files).toEqual([{ id: 4, bytesDone: 100, done: false }])
  })

  it('leaves files out of a report in which no file changed, and sends no report when nothing changed', () => {
    const { meter, tick } = recorded()
    meter.add(10)
    const report = tick()
    expect(report?.bytesDone).toBe(10)
    expect(report).not.toHaveProperty('files')
    expect(tick()).toBeUndefined()
  })

  it('reports a file\'s bytes as an absolute count that starts at its resumed offset, never a delta', () => {
    const { meter, tick } = recorded({ initialBytes: 400 })
    meter.fileStarted(3, 400)
    expect(tick()?.files).toEqual([{ id: 3, bytesDone: 400, done: false }])
    meter.add(100, 3)
    meter.add(50, 3)
    const report = tick()
    expect(report?.files).toEqual([{ id: 3, bytesDone: 550, done: false }])
    expect(report?.bytesDone).toBe(550)
  })

  it('marks a file done once and counts it once, however often it is called done', () => {
    const { meter, tick } = recorded()
    meter.fileStarted(7, 0)
    meter.add(9, 7)
    meter.fileDone(7)
    meter.fileDone(7)
    const report = tick()
    expect(report?.files).toEqual([{ id: 7, bytesDone: 9, done: true }])
    expect(report?.filesDone).toBe(1)
    meter.fileDone(7)
    expect(tick()).toBeUndefined()
    expect(meter.filesDone).toBe(1)
  })

  it('lists at most maxFilesPerReport files a report and carries the rest into the next ones, oldest change first', () => {
    const { meter, tick } = recorded({ maxFilesPerReport: 2 })
    for (let id = 0; id < 5; id++) meter.add(1, id)
    expect(tick()?.files?.map((f) => f.id)).toEqual([0, 1])
    meter.add(1, 0) // changed again after it was listed: waits behind the older changes
    meter.add(1, 3) // changed again while waiting: keeps its place
    expect(tick()?.files).toEqual([{ id: 2, bytesDone: 1, done: false }, { id: 3, bytesDone: 2, done: false }])
    expect(tick()?.files).toEqual([{ id: 4, bytesDone: 1, done: false }, { id: 0, bytesDone: 2, done: false }])
    expect(tick()).toBeUndefined()
  })

  it('lists at most MAX_FILES_PER_REPORT files a report when no bound is given', () => {
    const { meter, tick } = recorded()
    const count = 2 * MAX_FILES_PER_REPORT + 88
    for (let id = 0; id < count; id++) meter.add(1, id)
    expect([tick(), tick(), tick(), tick()].map((r) => r?.files?.length)).toEqual([MAX_FILES_PER_REPORT, MAX_FILES_PER_REPORT, 88, undefined])
  })

  it('keeps reporting on stop() until every waiting file change is out, each report within the bound and with the same totals', () => {
    const { meter, reports } = recorded({ maxFilesPerReport: 3 })
    for (let id = 0; id < 10; id++) {
      meter.add(id, id)
      meter.fileDone(id)
    }
    meter.stop()
    expect(reports.map((r) => r.files?.length)).toEqual([3, 3, 3, 1])
    expect(reports.flatMap((r) => r.files ?? []).map((f) => f.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(reports.every((r) => r.files?.every((f) => f.done && f.bytesDone === f.id))).toBe(true)
    expect(new Set(reports.map((r) => `${r.bytesDone}/${r.filesDone}`))).toEqual(new Set(['45/10']))
  })

  it('drains the waiting file changes on stop() even when the listener throws', () => {
    let calls = 0
    const meter = new ProgressMeter({ totalBytes: 10, totalFiles: 5, perSecond: 10, maxFilesPerReport: 2, onProgress: () => { calls++; throw new Error('slow UI') } })
    meter.start()
    for (let id = 0; id < 5; id++) meter.add(2, id)
    meter.stop()
    expect(calls).toBe(3)
  })

  it('still counts bytes and files given without an id, listing no file for them', () => {
    const { meter, reports } = recorded()
    meter.add(10)
    meter.fileDone()
    meter.stop()
    expect(reports.at(-1)).toMatchObject({ bytesDone: 10, filesDone: 1 })
    expect(reports.some((r) => r.files !== undefined)).toBe(false)
  })

  it('refuses a maxFilesPerReport that is not a positive integer', () => {
    for (const maxFilesPerReport of [0, -1, 1.5]) {
      expect(() => new ProgressMeter({ totalBytes: 1, totalFiles: 1, perSecond: 10, onProgress: () => {}, maxFilesPerReport })).toThrow(RangeError)
    }
  })
})
