// The Transfers screen: one item per transfer, titled "To NAME" or "From NAME", with its status, its progress bar
// (whose value text is "N %"), Cancel while it runs, Retry or Resume when it can, and what resume spared.

import { expect, type Locator, type Page } from '@playwright/test'
import { ScreenObject } from './sections.ts'

/** What the status badge says, as the UI writes it (TransferItem.tsx); a cancel says by whom. */
export type TransferStatusText = 'Waiting for the other device' | 'Transferring' | 'Done' | 'Declined' | 'Cancelled' | 'Failed'

const statusPattern = (status: TransferStatusText): string | RegExp => status === 'Cancelled' ? /^Cancelled by / : status

export class TransferList extends ScreenObject {
  constructor (page: Page) {
    super(page, 'Transfers')
  }

  /** The newest transfer with this title, e.g. "To Bob" or "From Alice". */
  item (title: string): Locator {
    return this.page.getByRole('region', { name: 'Transfers' }).getByRole('listitem', { name: title, exact: true }).first()
  }

  async expectStatus (title: string, status: TransferStatusText, options: { timeout?: number } = {}): Promise<void> {
    await this.open()
    const pattern = statusPattern(status)
    await expect(this.item(title).getByText(pattern, { exact: typeof pattern === 'string' }), `"${title}" shows ${status}`).toBeVisible(options)
  }

  /** The overall progress as the bar reads it out, 0 to 100. */
  async percent (title: string): Promise<number> {
    await this.open()
    const text = await this.item(title).getByRole('progressbar', { name: title, exact: true }).getAttribute('aria-valuetext')
    return Number.parseInt(text ?? '', 10)
  }

  /** Waits for "Done" with the bar at 100 %. */
  async expectDone (title: string, options: { timeout?: number } = {}): Promise<void> {
    await this.expectStatus(title, 'Done', options)
    await expect(this.item(title).getByRole('progressbar', { name: title, exact: true })).toHaveAttribute('aria-valuetext', '100 %')
  }

  /** Waits until bytes are moving: "Transferring" with the bar past 0 %. */
  async expectRunning (title: string, options: { timeout?: number } = {}): Promise<void> {
    await this.expectStatus(title, 'Transferring', options)
    await expect.poll(async () => await this.percent(title), { timeout: options.timeout, message: `"${title}" moves bytes` }).toBeGreaterThan(0)
  }

  /** Waits until a send whose connection broke says it is reconnecting by itself. */
  async expectReconnecting (title: string, options: { timeout?: number } = {}): Promise<void> {
    await this.open()
    await expect(this.item(title).getByRole('status').filter({ hasText: 'Ferry reconnects by itself' }), `"${title}" reconnects`).toBeVisible(options)
  }

  async cancel (title: string): Promise<void> {
    await this.open()
    await this.item(title).getByRole('button', { name: 'Cancel', exact: true }).click()
  }

  /** Clicks "Resume" (after a lost connection) or "Retry" (after another failure) and returns which it was. */
  async resume (title: string): Promise<'Resume' | 'Retry'> {
    await this.open()
    const button = this.item(title).getByRole('button', { name: /^(Resume|Retry)$/ })
    const label = await button.innerText() as 'Resume' | 'Retry'
    await button.click()
    return label
  }

  /** Bytes that were already on the receiving side when a completed transfer resumed; 0 when none were. */
  async bytesResumed (title: string): Promise<number> {
    await this.open()
    const note = this.item(title).locator('.transfer-resumed')
    if (await note.count() === 0) return 0
    return Number(await note.getAttribute('data-bytes-resumed'))
  }

  /** What a finished transfer says it did: "2 files received and verified (BLAKE3), saved in /…". */
  async outcome (title: string): Promise<string> {
    await this.open()
    return await this.item(title).getByText(/verified/).innerText()
  }

  /** Clicks Open on a finished transfer of one received file. */
  async openReceived (title: string): Promise<void> {
    await this.open()
    await this.item(title).getByRole('button', { name: /^Open / }).click()
  }

  /** Clicks Show in folder on a finished transfer. */
  async showInFolder (title: string): Promise<void> {
    await this.open()
    await this.item(title).getByRole('button', { name: /in its folder$/ }).click()
  }

  /** The error shown under the transfer, '' when none. */
  async error (title: string): Promise<string> {
    await this.open()
    const error = this.item(title).locator('.error')
    return await error.count() === 0 ? '' : await error.innerText()
  }
}
