// The "Share links" screen and its dialog: a new link for typed paths, with or without a PIN and uploads, then
// the link's details (the link itself and the PIN to tell).

import { expect, type Page } from '@playwright/test'
import { expectDialogToClose } from './dialog-outcome.ts'
import { ScreenObject } from './sections.ts'

export interface NewShare {
  /** Files or folders on the sharing computer, typed into "Or type a path on this computer". */
  paths: readonly string[]
  pin: boolean
  allowUpload: boolean
  expiresAfter?: '15 minutes' | '1 hour' | '1 day' | '7 days'
}

export interface CreatedShare {
  url: string
  /** Six digits, when the link has a PIN. */
  pin?: string
}

export class ShareDialog extends ScreenObject {
  constructor (page: Page) {
    super(page, 'Share links')
  }

  /** Creates the link and reads its URL and PIN from the dialog that then shows it. */
  async create (share: NewShare): Promise<CreatedShare> {
    await this.open()
    await this.page.getByRole('button', { name: 'New share link…' }).click()
    const form = this.page.getByRole('dialog', { name: 'Share files with a link' })
    for (const path of share.paths) {
      await form.getByRole('textbox', { name: 'Or type a path on this computer' }).fill(path)
      await form.getByRole('button', { name: 'Add path' }).click()
      await expect(form.getByRole('button', { name: `Remove ${path}` })).toBeVisible()
    }
    await form.getByRole('checkbox', { name: /^Protect with a PIN/ }).setChecked(share.pin)
    await form.getByRole('combobox', { name: 'Link expires after' }).selectOption({ label: share.expiresAfter ?? '1 hour' })
    await form.getByRole('checkbox', { name: /^Let visitors upload files/ }).setChecked(share.allowUpload)
    await form.getByRole('button', { name: 'Create link' }).click()
    await expectDialogToClose(form, 'creating the share link', 20_000)

    const details = this.page.getByRole('dialog', { name: 'Share link' })
    const url = await details.getByRole('textbox', { name: 'Link' }).inputValue()
    const pinText = share.pin ? (await details.getByLabel(/^PIN /).innerText()).replace(/\s/g, '') : undefined
    await details.getByRole('button', { name: 'Close' }).click()
    await expect(details).toBeHidden()
    return { url, ...(pinText === undefined ? {} : { pin: pinText }) }
  }
}
