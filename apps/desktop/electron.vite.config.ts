// Builds the three runtimes into out/: main (Node, ESM), preload (sandboxed, so one self-contained CommonJS file:
// a sandboxed preload can require only 'electron' and a few built-ins), renderer (@ferry/ui mounted by
// src/renderer/main.ts, through the UI's own vite plugins). Workspace packages ship TypeScript sources, so they are
// bundled, never left as runtime imports; native addons stay external (electron-builder unpacks them from asar).
// Two files the engine loads at run time rather than imports get built and copied beside main: the BLAKE3 worker
// (out/main/hash-worker.js) and the share link's recipient page (out/main/share-page/).

import { copyFileSync, mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { defineConfig, type RendererViteConfig, type UserConfig } from 'electron-vite'

const here = import.meta.dirname

/** Packages with native addons or worker files that cannot live inside a bundle. */
export const nativeExternals = ['@chainsafe/libp2p-quic', '@napi-rs/blake-hash', 'bufferutil', 'utf-8-validate']

const escape = (name: string): string => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const nativeExternalPatterns = [/\.node$/, ...nativeExternals.map((name) => new RegExp(`^${escape(name)}(/|$)`))]

/**
 * The UI's own vite config (React, and the Content-Security-Policy <meta> it adds to the built page), loaded at run
 * time rather than bundled with this file, so its plugins resolve from packages/ui's dependencies.
 */
async function loadUiConfig (): Promise<Pick<RendererViteConfig, 'plugins'>> {
  const url = pathToFileURL(resolve(here, '../../packages/ui/vite.config.ts')).href
  return (await import(url) as { default: Pick<RendererViteConfig, 'plugins'> }).default
}

/** Copies http-share's recipient page (sharePageFiles(), loaded from its sources at build time) into out/main/share-page. */
async function copySharePage (): Promise<{ name: string, writeBundle: () => void }> {
  const url = pathToFileURL(resolve(here, '../../packages/http-share/src/routes/page.ts')).href
  const { sharePageFiles } = await import(url) as { sharePageFiles: () => Record<string, URL> }
  return {
    name: 'ferry-copy-share-page',
    writeBundle () {
      const target = resolve(here, 'out/main/share-page')
      mkdirSync(target, { recursive: true })
      for (const [name, source] of Object.entries(sharePageFiles())) copyFileSync(fileURLToPath(source), resolve(target, name))
    }
  }
}

export default defineConfig(async (): Promise<UserConfig> => ({
  main: {
    plugins: [await copySharePage()],
    build: {
      outDir: resolve(here, 'out/main'),
      externalizeDeps: { exclude: ['@ferry/api', '@ferry/app-service', '@ferry/ui'] },
      rolldownOptions: {
        input: { index: resolve(here, 'src/main/index.ts'), 'hash-worker': resolve(here, '../../packages/p2p-core/src/hash/hash-worker.ts') },
        external: nativeExternalPatterns
      }
    }
  },
  preload: {
    build: {
      outDir: resolve(here, 'out/preload'),
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(here, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(here, 'src/renderer'),
    base: './',
    plugins: (await loadUiConfig()).plugins,
    build: {
      outDir: resolve(here, 'out/renderer'),
      emptyOutDir: true,
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      rolldownOptions: { input: { index: resolve(here, 'src/renderer/index.html') } }
    }
  }
}))
