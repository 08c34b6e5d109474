// ferry ui opens received files and their folders with the platform's opener, passing the path as one argument.

import { describe, expect, it } from 'vitest'
import { platformOpener, shellHooks } from '../src/ui-server/shell-open.ts'

describe('opening files for ferry ui', () => {
  it('runs xdg-open, open or start with the path as a single argument', () => {
    expect(platformOpener('linux').command).toBe('xdg-open')
    expect(platformOpener('darwin').args('/a b/c.txt')).toEqual(['/a b/c.txt'])
    expect(platformOpener('win32').args('C:\\x y\\c.txt')).toEqual(['/c', 'start', '""', 'C:\\x y\\c.txt'])
  })

  it('opens a file, and shows a file by opening its folder', async () => {
    const launched: Array<[string, string[]]> = []
    const hooks = shellHooks(platformOpener('linux'), async (command, args) => { launched.push([command, args]) })
    await hooks.openPath('/home/me/Downloads/Ferry/photo; rm -rf ~.jpg')
    await hooks.showInFolder('/home/me/Downloads/Ferry/album/a.jpg')
    expect(launched).toEqual([
      ['xdg-open', ['/home/me/Downloads/Ferry/photo; rm -rf ~.jpg']],
      ['xdg-open', ['/home/me/Downloads/Ferry/album']]
    ])
  })

  it('says this host cannot open files when no opener is installed', async () => {
    const hooks = shellHooks({ command: '/nonexistent/opener', args: (t) => [t] })
    await expect(hooks.openPath('/tmp/x')).rejects.toMatchObject({ code: 'FERRY_ERR_API_UNSUPPORTED' })
  })
})
