// Lint rules, including the layer arrows from DESIGN.md: packages never import apps; the engine packages and the
// app layer never import Electron, React or the DOM; the UI and the FerryApi contract never import Node built-ins,
// Electron or the engine at run time; and no production code imports fakes, fixtures or test suites.
// ESLint does not merge the options of one rule across config objects (the last one wins), so each area below
// lists every pattern that applies to it.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'dgram', 'http', 'https', 'crypto', 'worker_threads', 'stream', 'events']

const noUiFrameworks = { group: ['electron', 'electron/*', 'react', 'react/*', 'react-dom', 'react-dom/*'], message: 'Engine packages and the app layer never import Electron, React or the DOM (DESIGN.md layers).' }
const noAppsOrUi = { group: ['**/apps/**', '@ferry/ui', '@ferry/ui/*', '@ferry/desktop', '@ferry/cli'], message: 'Packages never import apps or the UI.' }
/** p2p-core is the bottom layer, and http-share sits on it alone: neither reaches up to the app layer or the contract. */
const noAppLayer = { group: ['@ferry/app-service', '@ferry/app-service/*', '@ferry/api', '@ferry/api/*'], message: 'The engine packages never import the app layer or the FerryApi contract.' }
const noHttpShare = { group: ['@ferry/http-share', '@ferry/http-share/*'], message: 'p2p-core is the bottom layer: it never imports http-share.' }
const uiLayer = [
  { group: nodeBuiltins, message: 'The UI never imports Node built-ins (DESIGN.md layers).' },
  { group: ['electron', 'electron/*'], message: 'The UI never imports Electron; it talks to FerryApi.' },
  { group: ['@ferry/p2p-core', '@ferry/http-share', '@ferry/app-service', '@ferry/app-service/*', '**/apps/**'], allowTypeImports: true, message: 'The UI imports engine types only, never engine code.' }
]
const apiLayer = [
  { group: nodeBuiltins, message: 'The FerryApi contract runs in browsers too: no Node built-ins (only its compliance suite, under testing/).' },
  { group: ['electron', 'electron/*', 'react', 'react/*', 'react-dom', 'react-dom/*'], message: 'The FerryApi contract never imports Electron or React.' },
  { group: ['@ferry/p2p-core', '@ferry/http-share', '@ferry/app-service', '@ferry/app-service/*', '@ferry/ui', '@ferry/ui/*', '**/apps/**'], allowTypeImports: true, message: 'The FerryApi contract sits below the UI and the hosts: it imports none of them.' }
]
/** Fakes, fixtures and test suites: `testing` entry points and test folders, never production code. */
const noTesting = {
  group: ['@ferry/api/testing', '@ferry/api/compliance', '@ferry/*/testing', '**/testing/**', '**/test/**', 'vitest', 'vitest/*'],
  message: 'Production code never imports fakes, fixtures or test suites (they live under testing entry points).'
}
const restrict = (...patterns) => ['error', { patterns }]
const noDomGlobals = ['error', ...['window', 'document', 'localStorage', 'sessionStorage'].map((name) => ({ name, message: 'No DOM here (DESIGN.md layers).' }))]

/** Production sources: everything under src/ but the testing entry points themselves. */
const testSupport = ['packages/*/src/testing/**']

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/out/**', 'bench/results/**', 'e2e/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  {
    files: ['packages/http-share/**'],
    rules: { 'no-restricted-imports': restrict(noUiFrameworks, noAppsOrUi, noAppLayer), 'no-console': 'error' }
  },
  {
    files: ['packages/p2p-core/**'],
    rules: { 'no-restricted-imports': restrict(noUiFrameworks, noAppsOrUi, noAppLayer, noHttpShare), 'no-console': 'error' }
  },
  {
    // LocalSend's protocol (issue 18) is an engine package on p2p-core, like http-share.
    files: ['packages/localsend/**'],
    rules: { 'no-restricted-imports': restrict(noUiFrameworks, noAppsOrUi, noAppLayer, noHttpShare), 'no-console': 'error' }
  },
  {
    files: ['packages/localsend/src/**'],
    rules: { 'no-restricted-imports': restrict(noUiFrameworks, noAppsOrUi, noAppLayer, noHttpShare, noTesting) }
  },
  {
    files: ['packages/http-share/src/**'],
    rules: { 'no-restricted-imports': restrict(noUiFrameworks, noAppsOrUi, noAppLayer, noTesting) }
  },
  {
    files: ['packages/p2p-core/src/**'],
    ignores: testSupport,
    rules: { 'no-restricted-imports': restrict(noUiFrameworks, noAppsOrUi, noAppLayer, noHttpShare, noTesting) }
  },
  {
    files: ['packages/p2p-core/src/**', 'packages/http-share/src/**', 'packages/localsend/src/**'],
    languageOptions: { globals: { ...globals.node, window: 'off', document: 'off', navigator: 'off' } }
  },
  {
    // The app layer both apps share: Node, the engine and the contract; no React, no DOM, no Electron.
    files: ['packages/app-service/**'],
    rules: { 'no-restricted-imports': restrict(noUiFrameworks, noAppsOrUi) }
  },
  {
    files: ['packages/app-service/src/**'],
    rules: { 'no-restricted-imports': restrict(noUiFrameworks, noAppsOrUi, noTesting), 'no-restricted-globals': noDomGlobals, 'no-console': 'error' }
  },
  {
    files: ['packages/api/**'],
    rules: { 'no-restricted-imports': restrict(...apiLayer), 'no-console': 'error' }
  },
  {
    files: ['packages/api/src/**'],
    ignores: testSupport,
    rules: { 'no-restricted-imports': restrict(...apiLayer, noTesting) }
  },
  {
    // The compliance suite opens a UDP socket to play an unreachable device: Node, under testing/ only.
    files: ['packages/api/src/testing/compliance.ts', 'packages/api/test/**'],
    rules: { 'no-restricted-imports': 'off' }
  },
  {
    // The share link's recipient page: plain browser JavaScript that http-share serves as a static asset.
    files: ['packages/http-share/page/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } }
  },
  {
    // Its upload worker runs in a dedicated Worker (importScripts, self).
    files: ['packages/http-share/page/**/*-worker.js'],
    languageOptions: { globals: { ...globals.worker } }
  },
  {
    files: ['packages/ui/**'],
    rules: { 'no-restricted-imports': restrict(...uiLayer), 'no-console': 'error' }
  },
  {
    // The demo page's fake engine (src/demo) is the one place outside tests that may use @ferry/api/testing.
    files: ['packages/ui/src/**'],
    ignores: ['packages/ui/src/demo/**'],
    rules: { 'no-restricted-imports': restrict(...uiLayer, noTesting) }
  },
  {
    files: ['apps/*/src/**'],
    rules: { 'no-restricted-imports': restrict(noTesting) }
  }
)
