// The engine's logger: injected by the app (STYLE.md rule 5), scoped per component, silent by default.

export interface Logger {
  debug: (message: string, ...args: unknown[]) => void
  info: (message: string, ...args: unknown[]) => void
  warn: (message: string, ...args: unknown[]) => void
  error: (message: string, ...args: unknown[]) => void
}

export const silentLogger: Logger = Object.freeze({ debug () {}, info () {}, warn () {}, error () {} })
