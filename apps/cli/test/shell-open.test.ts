// ferry ui opens received files and their folders with the platform's opener, passing the path as one argument and
// never through a command interpreter (issue 15: Windows used `cmd /c start`, where `& ^ %` in a name are syntax).

import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { launchDetached, platformOpener, shellHooks } from '../src/ui-server/shell-open.ts'

const NASTY = 'a & b ^ c %PATH% $(touch pwned); "q" |x.txt'

describe('opening files for ferry ui', () => {
  it('runs xdg-open, open, or rundll32 url.dll,FileProtocolHandler with the path as a single argument', () => {
    expect(platformOpener('linux')).toMatchObject({ command: 'xdg-open' })
    expect(platformOpener('linux').args(`/d/${NASTY}`)).toEqual([`/d/${NASTY}`])
    expect(platformOpener('darwin').args('/a b/c.txt')).toEqual(['/a b/c.txt'])
  })

  it('never starts cmd.exe on Windows: a name with & ^ % is one argument of rundll32 (issue 15)', () => {
    const opener = platformOpener('win32')
    expect(opener.command).toBe('rundll32.exe')
    expect(opener.args(`C:\\in\\${NASTY}`)).toEqual(['url.dll,FileProtocolHandler', `C:\\in\\${NASTY}`])
  })

  it('starts the opener without a shell: the name arrives as one argument and nothing in it runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-opener-'))
    try {
      // A stand-in opener that records the arguments it was started with.
      const opener = join(dir, 'opener')
      await writeFile(opener, `#!${process.execPath}\nrequire('node:fs').writeFileSync(${JSON.stringify(join(dir, 'argv.json'))}, JSON.stringify(process.argv.slice(2)))\n`)
      await chmod(opener, 0o755)
      const target = join(dir, NASTY)
      await shellHooks({ command: opener, args: (t) => [t] }, launchDetached).openPath(target)
      await expect.poll(async () => await readFile(join(dir, 'argv.json'), 'utf8').catch(() => '')).toBe(JSON.stringify([target]))
      await expect(readFile(join(process.cwd(), 'pwned'))).rejects.toMatchObject({ code: 'ENOENT' })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
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
