// The app shell's navigation and header: which screen is shown, and which device this page belongs to.

import { expect, type Page } from '@playwright/test'

export type Section = 'Nearby' | 'Transfers' | 'Share links' | 'History' | 'Settings'

export class Sections {
  readonly #page: Page

  constructor (page: Page) {
    this.#page = page
  }

  /** Shows a screen (a no-op when it is already shown). */
  async open (section: Section): Promise<void> {
    const button = this.#page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: section })
    if (await button.getAttribute('aria-current') !== 'page') await button.click()
    await expect(button).toHaveAttribute('aria-current', 'page')
  }

  /** Waits until the page has loaded this device's state from the engine. */
  async ready (): Promise<void> {
    await expect(this.#page.getByRole('heading', { name: 'Ferry', level: 1 })).toBeVisible()
    await expect(this.#page.getByText('This device:')).toBeVisible({ timeout: 20_000 })
  }

  /** Each navigation tab's width in pixels, in order (they must not shift when another one is chosen). */
  async tabWidths (): Promise<number[]> {
    const tabs = this.#page.getByRole('navigation', { name: 'Sections' }).getByRole('button')
    const widths: number[] = []
    for (const tab of await tabs.all()) widths.push(Math.round((await tab.boundingBox())?.width ?? 0))
    return widths
  }

  /** The name and short code in the header. */
  async thisDevice (): Promise<{ alias: string, shortCode: string }> {
    const line = this.#page.getByText('This device:')
    return {
      alias: await line.getByRole('strong').innerText(),
      shortCode: await line.getByTitle('Short code of this device').innerText()
    }
  }
}

/** A page object for one screen of the app; `open()` shows that screen. */
export abstract class ScreenObject {
  protected readonly page: Page
  readonly #sections: Sections
  readonly #section: Section

  constructor (page: Page, section: Section) {
    this.page = page
    this.#sections = new Sections(page)
    this.#section = section
  }

  async open (): Promise<void> {
    await this.#sections.open(this.#section)
  }
}
