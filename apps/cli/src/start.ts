// `pnpm start`: the desktop app when an Electron binary is installed, otherwise `ferry ui` (the same UI in a
// local browser: the production build's own copy, or from the sources packages/ui/dist, built first if missing),
// printing the page's URL.

import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { mdnsEnabled } from '@ferry/app-service/peers'
import { configDir } from './config-dir.ts'
import { createOutput } from './output.ts'
import { ui } from './commands/ui.ts'

const DESKTOP_DIR = fileURLToPath(new URL('../../desktop/', import.meta.url))

/**
 * The Electron binary, if `electron` resolves from apps/desktop and its binary was downloaded. Read from the
 * package's path.txt as its index.js does, without loading index.js: Electron 45's would try to download it.
 */
function electronBinary (): string | undefined {
  try {
    const packageJson = createRequire(join(DESKTOP_DIR, 'package.json')).resolve('electron/package.json')
    const relative = readFileSync(join(dirname(packageJson), 'path.txt'), 'utf8').trim()
    const binary = join(dirname(packageJson), 'dist', relative)
    return relative !== '' && existsSync(binary) ? binary : undefined
  } catch {
    return undefined
  }
}

const binary = electronBinary()
if (binary !== undefined) {
  const child = spawn(binary, [DESKTOP_DIR], { stdio: 'inherit' })
  child.on('exit', (code) => { process.exit(code ?? 0) })
} else {
  process.stdout.write('Electron is not available here, so Ferry runs as `ferry ui`: open the link below in a browser.\n')
  process.exitCode = await ui({ configDir: configDir(), host: '0.0.0.0', open: false, json: false, mdns: mdnsEnabled(undefined) }, createOutput({ json: false }))
  process.exit()
}
