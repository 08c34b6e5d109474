// Whether this system lets a folder be held open and the names in it be reached through that handle
// (/proc/self/fd/<fd>/<name>, resolved by the kernel from the open folder, as openat(2) would): a folder swapped for
// a link after it was checked is then never entered. The receive boundary (receive/destination.ts) and the sender's
// walk (transfer/source-files.ts) both rely on it; elsewhere (macOS, Windows) each checks, then uses, and says where
// that leaves a window.

import { constants, existsSync } from 'node:fs'

export const ANCHORED_PATHS = process.platform === 'linux' && (constants.O_DIRECTORY ?? 0) !== 0 &&
  (constants.O_NOFOLLOW ?? 0) !== 0 && existsSync('/proc/self/fd')
