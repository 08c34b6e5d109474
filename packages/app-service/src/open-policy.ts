// What FerryApi's openFile and showInFolder may touch. The page asking is untrusted (whoever holds the `ferry ui`
// session, or a compromised renderer), so the answer comes only from what Ferry itself recorded, never from a
// setting the caller can change (the download folder):
// - openFile: a file Ferry received and verified (a completed 'received' history entry names it as localPath),
//   still a regular file there (not replaced by a link), and not a program the desktop would run instead of open.
// - showInFolder: the folder of a file Ferry received or sent. A sent file is the caller's own choice of path, so
//   it is never opened, only its folder shown.
// Everything else is refused with a typed error before any opener runs.

import { lstat } from 'node:fs/promises'
import { dirname, extname, resolve } from 'node:path'
import { ApiError, apiErrorCodes, type HistoryEntry } from '@ferry/api'

export type OpenAction = 'open' | 'show'

/**
 * Extensions a desktop runs (or installs, or follows to a program) rather than shows, on any platform: Windows'
 * PATHEXT defaults and shell-executed types, macOS launchers, Linux desktop entries. A received file with one of
 * these is shown in its folder, never opened from Ferry.
 */
export const PROGRAM_EXTENSIONS: ReadonlySet<string> = new Set([
  '.exe', '.com', '.bat', '.cmd', '.scr', '.pif', '.cpl', '.msi', '.msp', '.msc', '.lnk', '.url', '.hta', '.reg', '.inf',
  '.vbs', '.vbe', '.js', '.jse', '.wsf', '.wsh', '.ps1', '.psm1', '.appref-ms', '.application', '.jar', '.scf', '.settingcontent-ms',
  '.app', '.command', '.tool', '.terminal', '.workflow', '.pkg', '.dmg',
  '.desktop', '.sh', '.run', '.appimage', '.deb', '.rpm', '.flatpakref'
])

const notOpenable = (message: string): ApiError => new ApiError({ name: 'NotOpenableError', code: apiErrorCodes.notOpenable, message })
const notFound = (message: string): ApiError => new ApiError({ name: 'NotFoundError', code: apiErrorCodes.notFound, message })

/**
 * Resolves with the path to hand the opener when `history` (Ferry's own record, newest first) allows `action` on
 * `path`; rejects with FERRY_ERR_API_NOT_FOUND (Ferry never received or sent it, or it is gone) or
 * FERRY_ERR_API_NOT_OPENABLE (known, but not something Ferry opens).
 */
export async function openablePath (history: readonly HistoryEntry[], path: string, action: OpenAction): Promise<string> {
  const wanted = resolve(path)
  let received = false
  let sent = false
  for (const entry of history) {
    if (!entry.files.some((file) => file.localPath !== undefined && resolve(file.localPath) === wanted)) continue
    if (entry.direction === 'received' && entry.status === 'completed') received = true
    if (entry.direction === 'sent') sent = true
  }
  if (!received && !sent) throw notFound('Ferry opens only files it received, and shows only files it received or sent')
  if (action === 'open') {
    if (!received) throw notOpenable('Ferry does not open files it sent; it can show them in their folder')
    if (PROGRAM_EXTENSIONS.has(extname(wanted).toLowerCase())) throw notOpenable('This file is a program or a launcher: Ferry shows it in its folder but does not run it')
    const info = await lstat(wanted).catch(() => undefined)
    if (info?.isFile() !== true) throw notFound('That received file is no longer there')
    return wanted
  }
  const folder = await lstat(dirname(wanted)).catch(() => undefined)
  if (folder?.isDirectory() !== true) throw notFound('The folder of that file is no longer there')
  return wanted
}
