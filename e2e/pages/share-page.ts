// The page a share link opens in any browser (http-share's recipient page): the PIN form, the file list with a
// Download button per file ("Download PATH" to a screen reader), "Download all (.zip)" when there are several, and
// "Send files to this computer" for uploads.

import { expect, type Page } from '@playwright/test'

export class SharePage {
  readonly #page: Page

  constructor (page: Page) {
    this.#page = page
  }

  async open (url: string): Promise<void> {
    await this.#page.goto(url)
  }

  async enterPin (pin: string): Promise<void> {
    await this.#page.getByRole('textbox', { name: 'This share needs a PIN' }).fill(pin)
    await this.#page.getByRole('button', { name: 'Open', exact: true }).click()
  }

  /** Waits for the PIN form's error (a wrong PIN) and returns it. */
  async pinError (): Promise<string> {
    const alert = this.#page.getByRole('alert')
    await expect(alert).not.toBeEmpty()
    return await alert.innerText()
  }

  /** Waits for the file list and returns the listed paths. */
  async files (): Promise<string[]> {
    const links = this.#page.getByRole('link', { name: /^Download (?!all)/ })
    await expect(links.first()).toBeVisible()
    return await this.#page.getByRole('listitem').filter({ has: links })
      .evaluateAll((items) => items.map((item) => (item as unknown as { dataset: Record<string, string> }).dataset.path ?? ''))
  }

  /** Who shares, as the page says it ("Alice shares with you"). */
  async sharedBy (): Promise<string> {
    await expect(this.#page.getByText(/ shares with you$/)).toBeVisible()
    return (await this.#page.getByText(/ shares with you$/).innerText()).replace(/ shares with you$/, '')
  }

  /** Downloads one listed file through its Download button and saves it at `saveAs`. */
  async download (path: string, saveAs: string): Promise<void> {
    const [download] = await Promise.all([
      this.#page.waitForEvent('download'),
      this.#page.getByRole('link', { name: `Download ${path}`, exact: true }).click()
    ])
    await download.saveAs(saveAs)
    expect(await download.failure(), `downloading ${path}`).toBeNull()
  }

  /** Downloads the whole share as one zip, saves it at `saveAs` and returns the name the server suggested. */
  async downloadAll (saveAs: string): Promise<string> {
    const [download] = await Promise.all([
      this.#page.waitForEvent('download'),
      this.#page.getByRole('link', { name: 'Download all (.zip)' }).click()
    ])
    await download.saveAs(saveAs)
    expect(await download.failure(), 'downloading the zip').toBeNull()
    return download.suggestedFilename()
  }

  /** Offers files from this computer to the sharing one ("Choose files"), under a name when given; the other side must accept. */
  async upload (paths: readonly string[], options: { as?: string } = {}): Promise<void> {
    await expect(this.#page.getByRole('heading', { name: 'Send files to this computer' })).toBeVisible()
    if (options.as !== undefined) await this.#page.getByRole('textbox', { name: /^Your name/ }).fill(options.as)
    await this.#page.getByLabel('Choose files').setInputFiles([...paths])
  }

  /** Waits for the page to say every uploaded file arrived and was verified. */
  async expectUploadVerified (count: number, options: { timeout?: number } = {}): Promise<void> {
    await expect(this.#page.getByRole('status')).toHaveText(`Sent ${count === 1 ? '1 file' : `${count} files`}, all verified`, options)
  }
}
