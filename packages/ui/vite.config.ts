// Builds the UI into dist/: one HTML page, hashed script and stylesheet, relative URLs (so Electron can load it
// from a file and `ferry ui` from any path). The built page carries a Content-Security-Policy without
// 'unsafe-inline'; the dev server goes without it, since React's fast refresh needs an inline script there.
// Hosts should also send it as a header, with `frame-ancestors 'none'`, which a <meta> cannot carry.

import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

/** What the built page may load: its own files, SVG QR codes as data: images, and its own WebSocket. */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'"
].join('; ')

function cspMeta (): Plugin {
  return {
    name: 'ferry-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy }, injectTo: 'head-prepend' }]
  }
}

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), cspMeta()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline <script> and no data: fonts in the output (CSP above).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false }
  }
})
