// `node --import ./register.ts out/main/index.js`: resolves `electron` to electron.ts beside this file, so the
// built main bundle runs under plain Node (this machine cannot download Electron).

import { register } from 'node:module'

register(new URL('./hooks.ts', import.meta.url))
