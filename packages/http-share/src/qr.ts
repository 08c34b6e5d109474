// The share link as a QR code for a terminal, so a phone can open it by pointing its camera at the screen.

import QRCode from 'qrcode'

export async function terminalQr (url: string): Promise<string> {
  return await QRCode.toString(url, { type: 'terminal', small: true })
}
