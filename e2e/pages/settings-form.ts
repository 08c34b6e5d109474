// The Settings screen: device name, download folder, accepting from trusted devices without asking, the port, and
// Save (which says "Settings saved.").

import { expect, type Page } from '@playwright/test'
import { ScreenObject } from './sections.ts'

export interface SettingsChange {
  alias?: string
  downloadFolder?: string
  autoAcceptTrusted?: boolean
  /** The UDP port the engine listens on from its next start. */
  port?: number
}

export class SettingsForm extends ScreenObject {
  constructor (page: Page) {
    super(page, 'Settings')
  }

  /** Fills in the changes and saves them; fails with the form's own error when it refuses them. */
  async change (change: SettingsChange): Promise<void> {
    await this.open()
    const form = this.page.getByRole('region', { name: 'Settings' })
    if (change.alias !== undefined) await form.getByRole('textbox', { name: 'Device name' }).fill(change.alias)
    if (change.downloadFolder !== undefined) await form.getByRole('textbox', { name: 'Download folder' }).fill(change.downloadFolder)
    if (change.autoAcceptTrusted !== undefined) await form.getByRole('checkbox', { name: 'Accept files from trusted devices without asking' }).setChecked(change.autoAcceptTrusted)
    if (change.port !== undefined) await form.getByRole('spinbutton', { name: 'Port' }).fill(String(change.port))
    await form.getByRole('button', { name: 'Save', exact: true }).click()
    await expect(form.getByRole('alert'), 'Settings shows no error').toHaveCount(0)
    await expect(form.getByRole('status')).toHaveText('Settings saved.')
  }

  async downloadFolder (): Promise<string> {
    await this.open()
    return await this.page.getByRole('region', { name: 'Settings' }).getByRole('textbox', { name: 'Download folder' }).inputValue()
  }
}
