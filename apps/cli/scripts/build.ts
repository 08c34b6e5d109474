// The production build of `ferry` (`pnpm --filter @ferry/cli build`; `pnpm run setup` and `pnpm pack` run it):
// esbuild bundles the CLI's TypeScript sources and every JavaScript dependency into ESM files in dist/:
//
//   ferry.js        the `ferry` bin (src/bin/ferry.ts): compile cache on, then the command
//   start.js        `pnpm start` (src/bin/start.ts)
//   hash-worker.js  p2p-core's BLAKE3 worker thread, which the engine starts by path (FerryNodeInit.hashWorkerUrl)
//   chunk-*.js      the modules behind each import(): a command loads only the chunks it uses
//   share-page/     http-share's recipient page (sharePageFiles()), read by path (ShareServerInit.pageDir)
//   ui/             the UI that `ferry ui` serves, built by packages/ui's own vite config
//   meta.json       esbuild's metafile: which sources each output holds (for the tests; not packed)
//
// Native modules stay external: they are apps/cli's `dependencies`, so npm installs them beside the bundle (the
// packed package depends on nothing else). All chunks sit in one folder, so `new URL(..., import.meta.url)` in any
// of them (src/runtime-files.ts) names dist/, and `../package.json` (main.ts reads its version) is this package's.

import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { sharePageFiles } from '@ferry/http-share'
import { buildUi } from '../src/ui-server/build-ui.ts'

const CLI_DIR = fileURLToPath(new URL('../', import.meta.url))
const ROOT = resolve(CLI_DIR, '../..')

/** Packages with native addons (or optional ones ws tries): loaded from node_modules, never bundled. */
const NATIVE_EXTERNALS = ['@chainsafe/libp2p-quic', '@napi-rs/blake-hash', 'bufferutil', 'utf-8-validate']

/**
 * `createRequire(import.meta.url)('ws')`: how the workspace loads a package synchronously and only when needed
 * (app-service's ws-module, p2p-core's mdns-socket). esbuild bundles only a plain `require('ws')`, which it turns
 * into a call that runs the bundled module on first use, so the load stays lazy.
 */
const LAZY_REQUIRE = /createRequire\(import\.meta\.url\)\(('[^']+'|"[^"]+")\)/g

const lazyRequirePlugin: Plugin = {
  name: 'ferry-lazy-require',
  setup (pluginBuild) {
    pluginBuild.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined
      const source = await readFile(args.path, 'utf8')
      const contents = source.replace(LAZY_REQUIRE, 'require($1)')
      return contents === source ? undefined : { contents, loader: 'ts' }
    })
  }
}

async function copySharePage (outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true })
  await Promise.all(Object.entries(sharePageFiles()).map(async ([name, source]) => { await copyFile(source, join(outDir, name)) }))
}

async function buildCli (outDir: string): Promise<void> {
  await rm(outDir, { recursive: true, force: true })
  const [result] = await Promise.all([
    build({
      entryPoints: {
        ferry: join(CLI_DIR, 'src/bin/ferry.ts'),
        start: join(CLI_DIR, 'src/bin/start.ts'),
        'hash-worker': join(ROOT, 'packages/p2p-core/src/hash/hash-worker.ts')
      },
      absWorkingDir: CLI_DIR,
      outdir: outDir,
      bundle: true,
      splitting: true,
      chunkNames: 'chunk-[hash]',
      format: 'esm',
      platform: 'node',
      target: 'node22',
      external: NATIVE_EXTERNALS,
      // Bundled CommonJS that requires an external (ws and bufferutil) needs a `require` in an ES module.
      banner: { js: "import { createRequire as __ferryCreateRequire } from 'node:module'; const require = __ferryCreateRequire(import.meta.url);" },
      define: { FERRY_BUNDLED: 'true' },
      plugins: [lazyRequirePlugin],
      metafile: true,
      logLevel: 'error'
    }),
    copySharePage(join(outDir, 'share-page')),
    buildUi({ outDir: join(outDir, 'ui') })
  ])
  await writeFile(join(outDir, 'meta.json'), JSON.stringify(result.metafile))
}

const started = Date.now()
const outDir = join(CLI_DIR, 'dist')
await buildCli(outDir)
process.stdout.write(`ferry: built ${outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
