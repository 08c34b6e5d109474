// A QR code of a link, drawn by the `qrcode` package as SVG and shown as an image (no innerHTML, and the CSP
// only needs img-src data:). Dark on light in both themes: phone cameras read that best.

import { toString as qrToString } from 'qrcode'
import { useEffect, useState, type ReactNode } from 'react'

export function QrCode ({ text, label }: { text: string, label: string }): ReactNode {
  const [src, setSrc] = useState<string | null>(null)
  useEffect(() => {
    let current = true
    qrToString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } })
      .then((svg) => { if (current) setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`) })
      .catch(() => { if (current) setSrc(null) })
    return () => { current = false }
  }, [text])
  return src === null
    ? <div className='qr qr--empty' aria-hidden='true' />
    : <img className='qr' src={src} alt={label} width={168} height={168} />
}
