// Waits for a dialog that was just submitted to close, and fails with the dialog's own error message (its
// role=alert paragraph) when it shows one instead.

import { expect, type Locator } from '@playwright/test'

export async function expectDialogToClose (dialog: Locator, what: string, timeoutMs: number): Promise<void> {
  const alert = dialog.getByRole('alert')
  const state = async (): Promise<string> =>
    await dialog.count() === 0 ? 'closed' : await alert.count() > 0 ? `refused: ${await alert.innerText()}` : 'busy'
  let last = 'busy'
  await expect.poll(async () => (last = await state()), { timeout: timeoutMs, message: what }).not.toBe('busy')
  expect(last, what).toBe('closed')
}
