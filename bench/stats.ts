// Median and range of the repeated figures.

export interface Summary {
  median: number
  min: number
  max: number
  n: number
}

/** Undefined when there is nothing to summarise (every run failed or the figure was missing). */
export function summarize(values: readonly (number | undefined)[]): Summary | undefined {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b)
  if (xs.length === 0) return undefined
  const mid = Math.floor(xs.length / 2)
  const median = xs.length % 2 === 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2
  return { median, min: xs[0], max: xs[xs.length - 1], n: xs.length }
}
