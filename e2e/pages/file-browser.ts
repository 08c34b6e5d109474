// The UI's own file dialog (a browser on `ferry ui`, which has no native one): places, Up, folders to open, files to
// tick, "Choose N files" or "Choose “FOLDER”". The page object clicks from the host's home folder down to what it
// wants, the way a person would; no path is typed.

import { relative, sep } from 'node:path'
import { expect, type Locator, type Page } from '@playwright/test'

export class FileBrowser {
  readonly #page: Page
  readonly #home: string

  constructor (page: Page, home: string) {
    this.#page = page
    this.#home = home
  }

  /** The file dialog titled `title` (e.g. "Send files to Bob"). */
  dialog (title: string | RegExp): Locator {
    return this.#page.getByRole('dialog', { name: title })
  }

  /**
   * Picks `paths` (files in one folder, or one folder) under the host's home in the open dialog `title`, and
   * confirms. Folders on the way are opened by clicking them.
   */
  async pick (title: string | RegExp, kind: 'files' | 'folder', paths: readonly string[]): Promise<void> {
    const dialog = this.dialog(title)
    await expect(dialog).toBeVisible()
    const first = paths[0]
    if (first === undefined) throw new Error('nothing to pick')
    const parts = relative(this.#home, first).split(sep)
    if (parts[0] === '..' || parts[0] === '') throw new Error(`${first} is not under the host's home ${this.#home}`)
    await dialog.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: 'Home', exact: true }).click()
    const folders = kind === 'folder' ? parts : parts.slice(0, -1)
    for (const folder of folders) await dialog.getByRole('button', { name: `Open folder ${folder}`, exact: true }).click()
    if (kind === 'folder') {
      await dialog.getByRole('button', { name: `Choose “${parts.at(-1) ?? ''}”` }).click()
    } else {
      for (const path of paths) await dialog.getByRole('checkbox', { name: relative(this.#home, path).split(sep).at(-1) ?? '', exact: true }).check()
      await dialog.getByRole('button', { name: paths.length === 1 ? 'Choose file' : `Choose ${paths.length} files` }).click()
    }
    await expect(dialog).toBeHidden()
  }
}
