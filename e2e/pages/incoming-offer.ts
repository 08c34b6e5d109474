// The incoming-offer dialog ("NAME wants to send you N files"): who sends what, and Accept, Accept all or Decline.

import { expect, type Locator, type Page } from '@playwright/test'

/** The few browser globals the watcher uses (e2e is type-checked without the DOM library). */
interface InPage {
  document: { querySelectorAll: (selector: string) => ArrayLike<{ textContent: string | null }>, body: unknown }
  MutationObserver: new (callback: () => void) => { observe: (target: unknown, options: { childList: boolean, subtree: boolean }) => void }
  ferryOfferSeen?: boolean
}

/** An offer shows up once the sender has listed its files and reached this device. */
const OFFER_TIMEOUT_MS = 30_000

export class IncomingOffer {
  readonly #page: Page

  constructor (page: Page) {
    this.#page = page
  }

  get dialog (): Locator {
    return this.#page.getByRole('dialog', { name: /wants to send you/ })
  }

  /** Waits for an offer from this sender (as the dialog names it). */
  async expectFrom (sender: string | RegExp): Promise<void> {
    await expect(this.dialog).toBeVisible({ timeout: OFFER_TIMEOUT_MS })
    await expect(this.dialog.getByRole('heading').first()).toContainText(sender)
  }

  /** Whether the offer lists this file (relative path, as the sender offered it). */
  async expectFile (path: string): Promise<void> {
    await expect(this.dialog.getByRole('checkbox', { name: path, exact: true })).toBeVisible()
  }

  /** Takes every file ("Accept", or "Accept all" for several). */
  async accept (): Promise<void> {
    await this.dialog.getByRole('button', { name: /^Accept( all)?$/ }).click()
    await expect(this.dialog).toBeHidden()
  }

  async decline (): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Decline', exact: true }).click()
    await expect(this.dialog).toBeHidden()
  }

  /**
   * Starts noting whether any offer dialog appears on this page from now on, however briefly (for offers that
   * must be taken without asking). Read it with `appearedSinceWatching`.
   */
  async startWatching (): Promise<void> {
    await this.#page.evaluate(() => {
      const page = globalThis as unknown as InPage
      const seen = (): boolean => Array.from(page.document.querySelectorAll('[role="dialog"]')).some((d) => /wants to send you/.test(d.textContent ?? ''))
      page.ferryOfferSeen = seen()
      new page.MutationObserver(() => { if (seen()) page.ferryOfferSeen = true }).observe(page.document.body, { childList: true, subtree: true })
    })
  }

  async appearedSinceWatching (): Promise<boolean> {
    return await this.#page.evaluate(() => (globalThis as unknown as InPage).ferryOfferSeen === true)
  }
}
