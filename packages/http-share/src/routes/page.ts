// The recipient page and its assets: static HTML, one plain script, the upload worker, one stylesheet and
// hash-wasm's BLAKE3 build, read and compressed once when the server starts. The HTML is the same for every share (the script reads the
// token from its own URL), so serving it reveals nothing; an unknown or expired token gets a short HTML notice.

import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import type { Request, Response, Router } from 'express'
import express from 'express'
import { chooseEncoding, precompress, type CompressedAsset } from '../compression.ts'
import { ShareError } from '../errors.ts'
import type { ShareRegistry } from '../share-registry.ts'

interface Asset extends CompressedAsset {
  type: string
  etag: string
}

const PAGE_DIR = new URL('../../page/', import.meta.url)

function load (body: Buffer, type: string): Asset {
  return { ...precompress(body), type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` }
}

/** The files a bundled app must copy into its own page folder: each name, and where it comes from in the workspace. */
export function sharePageFiles (): Record<string, URL> {
  const require = createRequire(import.meta.url)
  return {
    'index.html': new URL('index.html', PAGE_DIR),
    'page.js': new URL('page.js', PAGE_DIR),
    'page.css': new URL('page.css', PAGE_DIR),
    'upload-worker.js': new URL('upload-worker.js', PAGE_DIR),
    'hash-wasm-blake3.js': pathToFileURL(require.resolve('hash-wasm/dist/blake3.umd.min.js'))
  }
}

const PAGE_TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'page.js': 'text/javascript; charset=utf-8',
  'page.css': 'text/css; charset=utf-8',
  'upload-worker.js': 'text/javascript; charset=utf-8',
  'hash-wasm-blake3.js': 'text/javascript; charset=utf-8'
}

/**
 * The page's files, keyed by the name under /assets/ (index.html is served at /s/:token/ instead): from the
 * workspace, or from `pageDir` where a bundled app copied sharePageFiles().
 */
export function loadPageAssets (pageDir?: URL): Map<string, Asset> {
  // Only the workspace resolves hash-wasm's file; a bundled app has the page's files in pageDir and may not have it.
  const sources: Record<string, URL> = pageDir === undefined ? sharePageFiles() : {}
  const assets = new Map<string, Asset>()
  for (const [name, type] of Object.entries(PAGE_TYPES)) {
    const source = pageDir === undefined ? sources[name] : new URL(name, pageDir)
    if (source === undefined) throw new Error(`no source for the share page's ${name}`)
    assets.set(name, load(readFileSync(source), type))
  }
  return assets
}

function sendAsset (req: Request, res: Response, asset: Asset, cache: string): void {
  res.setHeader('Cache-Control', cache)
  res.setHeader('Vary', 'Accept-Encoding')
  res.setHeader('ETag', asset.etag)
  res.setHeader('Content-Type', asset.type)
  if (req.headers['if-none-match'] === asset.etag) {
    res.status(304).end()
    return
  }
  const encoding = chooseEncoding(req)
  const body = asset[encoding]
  if (encoding !== 'identity') res.setHeader('Content-Encoding', encoding)
  res.setHeader('Content-Length', body.byteLength)
  res.status(200).end(req.method === 'HEAD' ? undefined : body)
}

export function assetRoutes (assets: Map<string, Asset>): Router {
  const router = express.Router({ strict: true, caseSensitive: true })
  router.get('/assets/:name', (req: Request, res: Response, next) => {
    const name = String(req.params.name)
    const asset = name === 'index.html' ? undefined : assets.get(name)
    if (asset === undefined) {
      next()
      return
    }
    // Revalidated each time (ETag): a page served after an upgrade never runs an old script.
    sendAsset(req, res, asset, 'no-cache')
  })
  return router
}

function notice (res: Response, status: number, title: string, text: string): void {
  const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  res.status(status).type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title><link rel="stylesheet" href="/assets/page.css"></head><body><main><h1>${escape(title)}</h1><p>${escape(text)}</p></main></body></html>`)
}

/** GET /s/:token/ : the page, or a notice when the token names no live share. */
export function pageRoute (registry: ShareRegistry, assets: Map<string, Asset>) {
  const page = assets.get('index.html') as Asset
  return (req: Request, res: Response): void => {
    try {
      registry.resolve(String(req.params.token ?? ''))
    } catch (err) {
      if (!(err instanceof ShareError)) throw err
      notice(res, err.status, err.status === 410 ? 'This share has ended' : 'No such share', `${err.message}. Ask the sender for a new link.`)
      return
    }
    sendAsset(req, res, page, 'no-store')
  }
}
