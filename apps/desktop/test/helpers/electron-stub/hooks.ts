// Module resolution hook for register.ts: `electron` is the stub; everything else resolves as usual.

type Resolve = (specifier: string, context: unknown) => Promise<{ url: string }>

export async function resolve (specifier: string, context: unknown, next: Resolve): Promise<{ url: string, shortCircuit?: boolean }> {
  if (specifier === 'electron') return { url: new URL('./electron.ts', import.meta.url).href, shortCircuit: true }
  return await next(specifier, context)
}
