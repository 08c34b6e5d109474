// The "Add a device" dialog: a device added by what its owner reads out (HOST:PORT/DEVICE-ID or a ferry:// link).

import { expect, type Page } from '@playwright/test'
import { expectDialogToClose } from './dialog-outcome.ts'

/** Adding means reaching the device over QUIC; a loaded machine may take a few seconds. */
const ADD_TIMEOUT_MS = 20_000

export class AddDevice {
  readonly #page: Page

  constructor (page: Page) {
    this.#page = page
  }

  /** Tries to add a device and returns the dialog's error (a device that does not answer), leaving the dialog closed. */
  async refused (addressOrLink: string): Promise<string> {
    await this.#page.getByRole('button', { name: 'Add device…' }).click()
    const dialog = this.#page.getByRole('dialog', { name: 'Add a device' })
    await dialog.getByRole('textbox', { name: 'Address or link' }).fill(addressOrLink)
    await dialog.getByRole('button', { name: 'Add device', exact: true }).click()
    const alert = dialog.getByRole('alert')
    await expect(alert).toBeVisible({ timeout: ADD_TIMEOUT_MS })
    const text = await alert.innerText()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    return text
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
