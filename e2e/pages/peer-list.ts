// The Nearby screen: device cards (name, short code, trust) and their send and trust buttons, how to add a
// device, and the link other devices use to add this one.

import { expect, type Locator, type Page } from '@playwright/test'
import { AddDevice } from './add-device.ts'
import { FileBrowser } from './file-browser.ts'
import type { PathChooser } from './path-chooser.ts'
import { Sections } from './sections.ts'

/** Offering lists the files first (a folder of many files takes a moment). */
const SEND_TIMEOUT_MS = 20_000

/** A file to drop on the page, as the browser gets it from the desktop: its name and bytes. */
export interface DroppedFile {
  name: string
  bytes: Buffer
}

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

  /** Tries to add a device that does not answer; returns what the dialog says. */
  async addUnreachable (addressOrLink: string): Promise<string> {
    await this.open()
    return await new AddDevice(this.#page).refused(addressOrLink)
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

  /** The device's card says it is a LocalSend device, and what LocalSend does not have. */
  async expectLocalSend (name: string): Promise<void> {
    const card = this.card(name)
    await expect(card.getByText('LocalSend', { exact: true })).toBeVisible()
    await expect(card.getByText(/do not resume/)).toBeVisible()
  }

  /** Marks the device trusted with its card's "Trust" button. */
  async trust (name: string): Promise<void> {
    await this.open()
    const card = this.card(name)
    await card.getByRole('button', { name: 'Trust', exact: true }).click()
    await expect(card.getByRole('button', { name: 'Stop trusting' })).toBeVisible()
  }

  /**
   * Drops files onto the device's card as a desktop would: a real DataTransfer holding File objects, dispatched as
   * dragenter, dragover and drop. In a browser the page copies them to its Ferry first, then offers them.
   */
  async dropFiles (name: string, files: readonly DroppedFile[]): Promise<void> {
    await this.open()
    const card = this.card(name)
    const transfer = await this.#page.evaluateHandle((list) => {
      // e2e is type-checked without the DOM library: the browser's constructors, as this code uses them.
      const page = globalThis as unknown as {
        DataTransfer: new () => { items: { add: (file: unknown) => void } }
        File: new (parts: unknown[], name: string) => unknown
        atob: (text: string) => string
      }
      const data = new page.DataTransfer()
      for (const file of list) data.items.add(new page.File([Uint8Array.from(page.atob(file.base64), (c) => c.charCodeAt(0))], file.name))
      return data
    }, files.map((f) => ({ name: f.name, base64: f.bytes.toString('base64') })))
    for (const type of ['dragenter', 'dragover', 'drop']) await card.dispatchEvent(type, { dataTransfer: transfer })
    await transfer.dispose()
    await expect(card.getByRole('status'), `dropping on ${name}`).toHaveText(/^(Offered|Sending|.* received)/, { timeout: SEND_TIMEOUT_MS })
  }

  /** What the card says of the last send to it (waiting, declined, failed and why, received). */
  async expectOutcome (name: string, text: string | RegExp, options: { timeout?: number } = {}): Promise<void> {
    await this.open()
    await expect(this.card(name).getByRole('status'), `${name}'s card`).toHaveText(text, options)
  }

  async #send (name: string, kind: 'files' | 'folder', paths: readonly string[]): Promise<void> {
    await this.open()
    const card = this.card(name)
    const native = await this.#chooser.prepare(kind, paths)
    await card.getByRole('button', { name: kind === 'files' ? 'Send files…' : 'Send folder…' }).click()
    if (!native) {
      if (this.#chooser.home === undefined) throw new Error('a host without a native dialog must say where its home is')
      await new FileBrowser(this.#page, this.#chooser.home).pick(kind === 'files' ? `Send files to ${name}` : `Send a folder to ${name}`, kind, paths)
    }
    await expect(card.getByRole('status'), `sending to ${name}`).toHaveText(/^(Offered|Sending|.* received)/, { timeout: SEND_TIMEOUT_MS })
  }
}
