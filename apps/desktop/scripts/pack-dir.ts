// Proves the packaging config without an Electron download: runs `electron-builder --linux dir` against a
// placeholder electronDist (a temp folder holding a dummy `electron` executable), so electron-builder has
// nothing to fetch for Electron itself. Output: dist/linux-unpacked. Run after `pnpm run build`.

import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const electronDist = mkdtempSync(join(tmpdir(), 'ferry-electron-dist-'))
writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho "placeholder Electron: not runnable" >&2\nexit 1\n')
chmodSync(join(electronDist, 'electron'), 0o755)
writeFileSync(join(electronDist, 'version'), '45.4.1')

const result = spawnSync(join(root, 'node_modules/.bin/electron-builder'),
  ['--linux', 'dir', `--config.electronDist=${electronDist}`, '--config.electronVersion=45.4.1', '--publish', 'never'],
  { cwd: root, stdio: 'inherit' })
process.exit(result.status ?? 1)
