// Page object for the share link's recipient page (STYLE.md rule 16): every selector of the page lives here, so the
// specs read as what a person does: open the link, download, check a hash, send files.

import type { Download, Page } from 'playwright-core'

export class SharePage {
  readonly page: Page

  constructor (page: Page) {
    this.page = page
  }

  async open (url: string): Promise<void> {
    await this.page.goto(url)
  }

  async waitForFiles (): Promise<void> {
    await this.page.locator('#file-list li').first().waitFor()
  }

  async fileNames (): Promise<string[]> {
    await this.waitForFiles()
    return await this.page.locator('#file-list li .file-name').allTextContents()
  }

  async status (): Promise<string> {
    return (await this.page.locator('#status').textContent()) ?? ''
  }

  #row (path: string) {
    return this.page.locator(`#file-list li[data-path="${path.replace(/"/g, '\\"')}"]`)
  }

  /** Clicks the file's Download link and saves what the browser downloads to `target`. */
  async download (path: string, target: string): Promise<Download> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.#row(path).locator('[data-role="download"]').click()])
    await download.saveAs(target)
    return download
  }

  async downloadAll (target: string): Promise<Download> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.locator('#download-all').click()])
    await download.saveAs(target)
    return download
  }

  /** Asks the page for the file's BLAKE3 and returns what it shows. */
  async showHash (path: string): Promise<string> {
    await this.#row(path).locator('[data-role="show-hash"]').click()
    const line = this.#row(path).locator('[data-role="hash"]')
    await line.filter({ hasText: /^[0-9a-f]{64}$/ }).waitFor()
    return (await line.textContent()) ?? ''
  }

  /** Checks a local copy of the file in the page; returns 'match' or 'mismatch'. */
  async checkCopy (path: string, localCopy: string): Promise<string> {
    const [chooser] = await Promise.all([this.page.waitForEvent('filechooser'), this.#row(path).locator('[data-role="verify"]').click()])
    await chooser.setFiles(localCopy)
    const line = this.#row(path).locator('[data-role="hash"][data-verdict]')
    await line.waitFor({ timeout: 30_000 })
    return (await line.getAttribute('data-verdict')) ?? ''
  }

  async pinFormVisible (): Promise<boolean> {
    await this.page.locator('#pin-form, #file-list li').first().waitFor()
    return await this.page.locator('#pin-form').isVisible()
  }

  async enterPin (pin: string): Promise<void> {
    await this.page.locator('#pin-input').fill(pin)
    await this.page.locator('#pin-submit').click()
  }

  async pinError (): Promise<string> {
    const error = this.page.locator('#pin-error')
    await error.filter({ hasText: /./ }).waitFor()
    return (await error.textContent()) ?? ''
  }

  async uploadAvailable (): Promise<boolean> {
    await this.waitForFiles()
    return await this.page.locator('#upload').isVisible()
  }

  /** Picks files in the drop zone's file picker, under the name `alias`. */
  async send (files: string[], alias: string): Promise<void> {
    await this.page.locator('#alias-input').fill(alias)
    await this.page.locator('#file-picker').setInputFiles(files)
  }

  /** Waits until every upload row is verified (or one fails) and returns each row's name and state. */
  async uploadResults (timeoutMs = 60_000): Promise<Array<{ name: string, state: string }>> {
    const rows = this.page.locator('#upload-list li')
    await rows.first().waitFor({ timeout: timeoutMs })
    const unfinished = this.page.locator('#upload-list li:not([data-state="verified"]):not([data-state="failed"]):not([data-state="skipped"])')
    await unfinished.first().waitFor({ state: 'detached', timeout: timeoutMs })
    const results: Array<{ name: string, state: string }> = []
    for (let i = 0; i < await rows.count(); i++) {
      results.push({ name: await rows.nth(i).getAttribute('data-upload-name') ?? '', state: await rows.nth(i).getAttribute('data-state') ?? '' })
    }
    return results
  }
}
