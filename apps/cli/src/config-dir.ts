// Where Ferry keeps its device key and settings: $FERRY_CONFIG_DIR, else the platform's config folder.

import { homedir } from 'node:os'
import { join } from 'node:path'

export function configDir (env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.FERRY_CONFIG_DIR !== undefined && env.FERRY_CONFIG_DIR !== '') return env.FERRY_CONFIG_DIR
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Ferry')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Ferry')
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'ferry')
}

export function defaultDownloadDir (): string {
  return join(homedir(), 'Downloads', 'Ferry')
}
