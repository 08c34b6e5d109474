// The port `ferry ui` served its page on last time (ui.json in the config folder), so a restarted `ferry ui` comes
// back at the same address when it is free and a tab left open finds it (and is told to sign in again).

import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export const UI_PORT_FILE = 'ui.json'

export async function readUiPort (configDir: string): Promise<number | undefined> {
  try {
    const { port } = JSON.parse(await readFile(join(configDir, UI_PORT_FILE), 'utf8')) as { port?: unknown }
    return typeof port === 'number' && Number.isInteger(port) && port > 0 && port <= 65535 ? port : undefined
  } catch {
    return undefined
  }
}

export async function saveUiPort (configDir: string, port: number): Promise<void> {
  await mkdir(configDir, { recursive: true })
  await writeFile(join(configDir, UI_PORT_FILE), `${JSON.stringify({ port })}\n`)
}
