import { describe, expect, it } from 'vitest'
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
