// `pnpm start` in the production build: Node's compile cache first, then the desktop app or `ferry ui` (start.ts).

import { enableCompileCache } from 'node:module'

enableCompileCache()
await import('../start.ts')
