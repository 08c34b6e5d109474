// The History screen: one entry per ended transfer, titled "Sent to NAME" or "Received from NAME", with its
// status and files.

import { expect, type Locator, type Page } from '@playwright/test'
import { ScreenObject } from './sections.ts'

export type HistoryStatusText = 'Done' | 'Failed' | 'Cancelled' | 'Declined'

export class HistoryList extends ScreenObject {
  constructor (page: Page) {
    super(page, 'History')
  }

  /** The newest entry with this title. */
  entry (title: string): Locator {
    return this.page.getByRole('region', { name: 'History' }).getByRole('listitem')
      .filter({ has: this.page.getByRole('heading', { name: title, exact: true }) }).first()
  }

  async expectEntry (title: string, status: HistoryStatusText, options: { files?: readonly string[] } = {}): Promise<void> {
    await this.open()
    const entry = this.entry(title)
    await expect(entry.getByText(status, { exact: true }), `History shows "${title}" as ${status}`).toBeVisible()
    for (const file of options.files ?? []) await expect(entry.getByText(file, { exact: true })).toBeVisible()
  }
}
