#!/usr/bin/env node
// The `ferry` executable of the production build: turns on Node's compile cache before anything else loads (so a
// second run reuses V8's compiled code instead of compiling the bundle again), then runs the command.

import { enableCompileCache } from 'node:module'

enableCompileCache()
await import('../main.ts')
