// Ferry's end-to-end tests (issue 6): real engines (`ferry ui` child processes, or the Electron app), real QUIC on loopback or
// between network namespaces, Debian's Chromium clicking the real UI, real files compared byte for byte.
// Run: `pnpm -C e2e exec playwright test` (or `pnpm --filter @ferry/e2e e2e`). Failures leave screenshots and traces
// under e2e/artifacts/.

import { defineConfig } from '@playwright/test'
import type { FerryOptions } from './fixtures/test.ts'

export default defineConfig<FerryOptions>({
  testDir: 'specs',
  outputDir: 'artifacts/test-results',
  globalSetup: './global-setup.ts',
  // Transfers of hundreds of MiB on a loaded 2-core machine: generous, but a hung test still ends.
  timeout: 180_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  reporter: [['list'], ['html', { outputFolder: 'artifacts/report', open: 'never' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    // Debian's Chromium (Playwright's own browsers cannot be downloaded here); every host's page and the share
    // visitor run in it. Nothing in it talks to any address but this machine's.
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
    }
  },
  projects: [
    // The default: `ferry ui` served to Chromium.
    { name: 'chromium', use: { hostKind: 'browser' } },
    // The same specs against the desktop app, where an Electron binary exists; skipped (saying why) where not.
    { name: 'electron', use: { hostKind: 'electron' } }
  ]
})
