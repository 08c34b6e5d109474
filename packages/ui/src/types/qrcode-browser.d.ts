// The part of the `qrcode` package the UI uses, typed here because @types/qrcode pulls in all of @types/node,
// which would let Node globals (process, Buffer) typecheck in browser code. tsconfig.json maps 'qrcode' here.

declare module 'qrcode' {
  export interface QRCodeToStringOptions {
    type: 'svg'
    margin?: number
    width?: number
    errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H'
    color?: { dark?: string, light?: string }
  }

  /** Renders `text` as an SVG document. */
  export function toString (text: string, options: QRCodeToStringOptions): Promise<string>
}
