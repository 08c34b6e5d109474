// Why an entry of a sent or shared folder was left out, in words for the terminal: `ferry send` and `ferry share`
// report them the same way.

import type { SkipReason } from '@ferry/p2p-core'

export const WHY_SKIPPED: Record<SkipReason, string> = {
  symlink: 'symbolic link, not followed',
  fifo: 'fifo (named pipe)',
  socket: 'socket',
  device: 'device',
  loop: 'loop',
  unreadable: 'cannot be read',
  'invalid-name': 'name not allowed'
}
