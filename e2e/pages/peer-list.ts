// The Nearby screen: device cards (name, short code, trust) and their send and trust buttons, how to add a
// device, and the link other devices use to add this one.

import { expect, type Locator, type Page } from '@playwright/test'
import { AddDevice } from './add-device.ts'
import { expectDialogToClose } from './dialog-outcome.ts'
import type { PathChooser } from './path-chooser.ts'
import { Sections } from './sections.ts'

/** Offering lists the files first (a folder of many files takes a moment). */
const SEND_TIMEOUT_MS = 20_000

export class PeerList {
  readonly #page: Page
  readonly #chooser: PathChooser
  readonly #sections: Sections

  constructor (page: Page, chooser: PathChooser) {
    this.#page = page
    this.#chooser = chooser
    this.#sections = new Sections(page)
  }

  async open (): Promise<void> {
    await this.#sections.open('Nearby')
  }

  /** The ferry:// link shown under "How other devices can add this one". */
  async thisDeviceLink (): Promise<string> {
    await this.open()
    const section = this.#page.getByRole('group').filter({ hasText: 'How other devices can add this one' })
    const link = section.getByText(/^ferry:\/\//)
    if (!await link.isVisible()) await section.getByText('How other devices can add this one').click()
    return await link.innerText()
  }

  /** Adds a device by its address or link ("Add device…"). */
  async addDevice (addressOrLink: string): Promise<void> {
    await this.open()
    await new AddDevice(this.#page).add(addressOrLink)
  }

  /** A device's card, by the name it shows. */
  card (name: string): Locator {
    return this.#page.getByRole('article', { name, exact: true })
  }

  async expectDevice (name: string, options: { timeout?: number } = {}): Promise<void> {
    await this.open()
    await expect(this.card(name)).toBeVisible(options)
  }

  /**
   * Waits for the card showing this short code (a device found by discovery, whose name may be anyone's) and
   * returns the name on it.
   */
  async waitForShortCode (shortCode: string, timeoutMs: number): Promise<string> {
    await this.open()
    const card = this.#page.getByRole('article').filter({ has: this.#page.getByText(shortCode, { exact: true }) })
    await expect(card, `a device card with the short code ${shortCode}`).toBeVisible({ timeout: timeoutMs })
    return await card.getByRole('heading').innerText()
  }

  /** Sends files with the card's "Send files…" (a native dialog, or typed paths where the host has none). */
  async sendFiles (name: string, paths: readonly string[]): Promise<void> {
    await this.#send(name, 'files', paths)
  }

  /** Sends one folder with the card's "Send folder…". */
  async sendFolder (name: string, folder: string): Promise<void> {
    await this.#send(name, 'folder', [folder])
  }

  /** Marks the device trusted with its card's "Trust" button. */
  async trust (name: string): Promise<void> {
    await this.open()
    const card = this.card(name)
    await card.getByRole('button', { name: 'Trust', exact: true }).click()
    await expect(card.getByRole('button', { name: 'Stop trusting' })).toBeVisible()
  }

  async #send (name: string, kind: 'files' | 'folder', paths: readonly string[]): Promise<void> {
    await this.open()
    const card = this.card(name)
    const native = await this.#chooser.prepare(kind, paths)
    await card.getByRole('button', { name: kind === 'files' ? 'Send files…' : 'Send folder…' }).click()
    if (!native) {
      const dialog = this.#page.getByRole('dialog', { name: `Send to ${name}` })
      await dialog.getByRole('textbox', { name: 'Paths on this computer' }).fill(paths.join('\n'))
      await dialog.getByRole('button', { name: 'Send', exact: true }).click()
      await expectDialogToClose(dialog, `sending ${paths.join(', ')} to ${name}`, SEND_TIMEOUT_MS)
    }
    await expect(card.getByRole('status')).toHaveText(/^Offered /)
  }
}
