// The "Add a device" dialog: a device added by what its owner reads out (HOST:PORT/DEVICE-ID or a ferry:// link).

import type { Page } from '@playwright/test'
import { expectDialogToClose } from './dialog-outcome.ts'

/** Adding means reaching the device over QUIC; a loaded machine may take a few seconds. */
const ADD_TIMEOUT_MS = 20_000

export class AddDevice {
  readonly #page: Page

  constructor (page: Page) {
    this.#page = page
  }

  /** Adds the device; fails with the dialog's own error when Ferry cannot reach it. */
  async add (addressOrLink: string): Promise<void> {
    await this.#page.getByRole('button', { name: 'Add device…' }).click()
    const dialog = this.#page.getByRole('dialog', { name: 'Add a device' })
    await dialog.getByRole('textbox', { name: 'Address or link' }).fill(addressOrLink)
    await dialog.getByRole('button', { name: 'Add device', exact: true }).click()
    await expectDialogToClose(dialog, `adding ${addressOrLink}`, ADD_TIMEOUT_MS)
  }
}
