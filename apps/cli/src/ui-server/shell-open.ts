// Opening things with the platform's own opener: the browser page for `ferry ui --open`, and FerryApi's openFile /
// showInFolder for a page served to this same computer (the service decides what may be opened: open-policy.ts in
// app-service). No command interpreter runs on any platform: the opener is started directly with the target as one
// argument, so characters a shell would act on (`; & | ^ % $ "` and spaces) are just part of a name.
// - Linux: xdg-open; macOS: open.
// - Windows: `rundll32.exe url.dll,FileProtocolHandler TARGET` (what Go's browser package and others use): the
//   shell's own file and URL association, with no `cmd /c start`, whose parser treats `& ^ %` in a name as syntax.

import { spawn } from 'node:child_process'
import { dirname } from 'node:path'
import { ApiError, apiErrorCodes } from '@ferry/api'

export interface Opener {
  command: string
  args: (target: string) => string[]
}

export function platformOpener (platform: NodeJS.Platform = process.platform): Opener {
  if (platform === 'darwin') return { command: 'open', args: (target) => [target] }
  if (platform === 'win32') return { command: 'rundll32.exe', args: (target) => ['url.dll,FileProtocolHandler', target] }
  return { command: 'xdg-open', args: (target) => [target] }
}

export type Launch = (command: string, args: string[]) => Promise<void>

/** Starts the opener detached, never through a shell; rejects when it cannot be started at all (no opener installed). */
export const launchDetached: Launch = async (command, args) => {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, shell: false, windowsHide: true })
    child.once('error', reject)
    child.once('spawn', () => { child.unref(); resolve() })
  })
}

/** HostHooks for a host whose user sits at this machine: open a file, or show it in its folder. */
export function shellHooks (opener: Opener = platformOpener(), launch: Launch = launchDetached): { openPath: (path: string) => Promise<void>, showInFolder: (path: string) => Promise<void> } {
  const run = async (target: string): Promise<void> => {
    try {
      await launch(opener.command, opener.args(target))
    } catch (err) {
      // No opener on this machine (a server without a desktop): the UI says this host cannot do that.
      throw new ApiError({ name: 'UnsupportedError', code: apiErrorCodes.unsupported, message: `Cannot run ${opener.command}: ${(err as Error).message}` })
    }
  }
  return {
    openPath: run,
    // Portable openers cannot select a file, so its folder opens.
    showInFolder: async (path) => { await run(dirname(path)) }
  }
}
