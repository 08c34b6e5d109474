// The "Share links" screen and its dialog: a new link for files or a folder (picked with the host's dialog, or the
// UI's own file browser), with or without a PIN and uploads, then the link's details: the link other devices
// reach, its QR code, the other addresses, the PIN to tell.

import { expect, type Locator, type Page } from '@playwright/test'
import jsQRModule from 'jsqr'
import { expectDialogToClose } from './dialog-outcome.ts'
import { FileBrowser } from './file-browser.ts'
import type { PathChooser } from './path-chooser.ts'
import { ScreenObject } from './sections.ts'

export interface NewShare {
  /** What to share: files of one folder ('files'), or one folder ('folder'), on the sharing computer. */
  paths: readonly string[]
  kind?: 'files' | 'folder'
  pin: boolean
  allowUpload: boolean
  expiresAfter?: '15 minutes' | '1 hour' | '1 day' | '7 days'
}

export interface CreatedShare {
  url: string
  /** Six digits, when the link has a PIN. */
  pin?: string
}

export class ShareDialog extends ScreenObject {
  readonly #chooser: PathChooser

  constructor (page: Page, chooser: PathChooser) {
    super(page, 'Share links')
    this.#chooser = chooser
  }

  get #details (): Locator {
    return this.page.getByRole('dialog', { name: 'Share link' })
  }

  /** Creates the link and reads its URL and PIN from the dialog that then shows it; `keepOpen` leaves that dialog up. */
  async create (share: NewShare, options: { keepOpen?: boolean } = {}): Promise<CreatedShare> {
    await this.open()
    await this.page.getByRole('button', { name: 'New share link…' }).click()
    const form = this.page.getByRole('dialog', { name: 'Share files with a link' })
    const kind = share.kind ?? 'folder'
    const native = await this.#chooser.prepare(kind, share.paths)
    await form.getByRole('button', { name: kind === 'files' ? 'Add files…' : 'Add folder…' }).click()
    if (!native) {
      if (this.#chooser.home === undefined) throw new Error('a host without a native dialog must say where its home is')
      await new FileBrowser(this.page, this.#chooser.home).pick(kind === 'files' ? 'Share files' : 'Share a folder', kind, share.paths)
    }
    for (const path of share.paths) await expect(form.getByRole('button', { name: `Remove ${path.split('/').at(-1) ?? ''}` })).toBeVisible()
    await form.getByRole('checkbox', { name: /^Protect with a PIN/ }).setChecked(share.pin)
    await form.getByRole('combobox', { name: 'Link expires after' }).selectOption({ label: share.expiresAfter ?? '1 hour' })
    await form.getByRole('checkbox', { name: /^Let visitors upload files/ }).setChecked(share.allowUpload)
    await form.getByRole('button', { name: 'Create link' }).click()
    await expectDialogToClose(form, 'creating the share link', 20_000)

    const details = this.#details
    const url = await details.getByRole('textbox', { name: 'Link' }).inputValue()
    const pinText = share.pin ? (await details.getByLabel(/^PIN /).innerText()).replace(/\s/g, '') : undefined
    if (options.keepOpen !== true) await this.closeDetails()
    return { url, ...(pinText === undefined ? {} : { pin: pinText }) }
  }

  async closeDetails (): Promise<void> {
    await this.#details.getByRole('button', { name: 'Close' }).click()
    await expect(this.#details).toBeHidden()
  }

  /** Whether the share's details dialog is showing. */
  async detailsShown (): Promise<boolean> {
    return await this.#details.isVisible()
  }

  /** The text the open share dialog's QR code holds, decoded from its pixels as a phone camera would. */
  async qrText (): Promise<string> {
    const qr = this.#details.getByRole('img', { name: /^QR code of the share link/ })
    await expect(qr).toBeVisible()
    const pixels = await qr.evaluate(async (img) => {
      const image = img as unknown as { naturalWidth: number, decode: () => Promise<void>, ownerDocument: { createElement: (tag: string) => unknown } }
      await image.decode()
      const size = 336
      const canvas = image.ownerDocument.createElement('canvas') as { width: number, height: number, getContext: (kind: string) => { fillStyle: string, fillRect: (...a: number[]) => void, drawImage: (...a: unknown[]) => void, getImageData: (...a: number[]) => { data: ArrayLike<number> } } }
      canvas.width = size
      canvas.height = size
      const context = canvas.getContext('2d')
      context.fillStyle = '#ffffff'
      context.fillRect(0, 0, size, size)
      context.drawImage(image, 16, 16, size - 32, size - 32)
      return { size, data: Array.from(context.getImageData(0, 0, size, size).data) }
    })
    // jsqr is CommonJS: Node hands its module object as the default, TypeScript its function.
    type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null
    const jsQR = (jsQRModule as unknown as { default: Decode }).default
    const found = jsQR(Uint8ClampedArray.from(pixels.data), pixels.size, pixels.size)
    if (found === null) throw new Error('the QR code could not be read')
    return found.data
  }

  /** The other addresses the open share dialog lists, each with its own Copy button. */
  async otherLinks (): Promise<string[]> {
    const region = this.#details.getByRole('region', { name: 'Other addresses of this computer' })
    if (await region.count() === 0) return []
    const links = await region.getByRole('listitem').allInnerTexts()
    return links.map((text) => text.split('\n')[0]?.trim() ?? '')
  }
}
