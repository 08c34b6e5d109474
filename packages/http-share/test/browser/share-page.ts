// Page object for the share link's recipient page (STYLE.md rule 16): every selector of the page lives here, so the
// specs read as what a person does: open the link, download, check a hash, send files.

import type { Download, Page } from 'playwright-core'

/** The little of the page's DOM the waits below read (tests are type-checked without the DOM library). */
interface InPage {
  document: { querySelector: (selector: string) => { textContent: string | null, hasAttribute: (name: string) => boolean } | null }
}

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

  /** Checks a local copy in "Check a download"; returns the verdict ('match', 'mismatch') and the line shown. */
  async checkCopy (localCopy: string): Promise<{ verdict: string, text: string }> {
    const details = this.page.locator('#verify')
    if (await details.getAttribute('open') === null) await details.locator('summary').click()
    const result = this.page.locator('#verify-result')
    const before = await result.textContent()
    const [chooser] = await Promise.all([this.page.waitForEvent('filechooser'), this.page.locator('#verify-button').click()])
    await chooser.setFiles(localCopy)
    await this.page.waitForFunction((previous) => {
      const line = (globalThis as unknown as InPage).document.querySelector('#verify-result')
      return line !== null && line.hasAttribute('data-verdict') && line.textContent !== previous
    }, before, { timeout: 30_000 })
    return { verdict: (await result.getAttribute('data-verdict')) ?? '', text: (await result.textContent()) ?? '' }
  }

  /** The Download buttons and whether "Download all (.zip)" is offered. */
  async buttons (): Promise<{ downloads: number, zip: boolean }> {
    await this.waitForFiles()
    return { downloads: await this.page.locator('#file-list [data-role="download"]').count(), zip: await this.page.locator('#download-all').isVisible() }
  }

  /** Who shares and what, as the page's header says it. */
  async header (): Promise<{ from: string, name: string, meta: string }> {
    await this.waitForFiles()
    return {
      from: (await this.page.locator('#share-from').textContent()) ?? '',
      name: (await this.page.locator('#share-name').textContent()) ?? '',
      meta: (await this.page.locator('#share-meta').textContent()) ?? ''
    }
  }

  /**
   * Waits for the page to say the share has ended and returns why: the open page's own notice, or the notice the
   * server sends instead of the page once the share is gone.
   */
  async endedReason (timeoutMs = 15_000): Promise<string> {
    await this.page.getByRole('heading', { name: 'This share has ended' }).waitFor({ timeout: timeoutMs })
    const own = this.page.locator('#ended-reason')
    const reason = await own.count() > 0 ? own : this.page.locator('main > p').first()
    return (await reason.textContent()) ?? ''
  }

  async downloadButtonsVisible (): Promise<boolean> {
    return await this.page.locator('#file-list [data-role="download"]').first().isVisible()
  }

  /** Types into the PIN field (as a person would, key by key) and returns what the field then holds. */
  async typePin (text: string): Promise<string> {
    await this.page.locator('#pin-input').fill('')
    await this.page.locator('#pin-input').pressSequentially(text)
    return await this.page.locator('#pin-input').inputValue()
  }

  async pinSubmitDisabled (): Promise<boolean> {
    return await this.page.locator('#pin-submit').isDisabled()
  }

  async pinFormVisible (): Promise<boolean> {
    await this.page.locator('#pin-form, #file-list li').first().waitFor()
    return await this.page.locator('#pin-form').isVisible()
  }

  async enterPin (pin: string): Promise<void> {
    await this.page.locator('#pin-input').fill(pin)
    await this.page.locator('#pin-submit').click()
  }

  /** Waits for the PIN form's message (other than `previous`) and returns it. */
  async pinError (previous = ''): Promise<string> {
    const error = this.page.locator('#pin-error')
    await this.page.waitForFunction((old) => {
      const text = (globalThis as unknown as InPage).document.querySelector('#pin-error')?.textContent ?? ''
      return text !== '' && text !== old
    }, previous)
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
