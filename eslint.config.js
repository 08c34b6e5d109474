// Lint rules, including the layer arrows from DESIGN.md: packages never import apps; the engine packages never
// import Electron, React or the DOM; the UI never imports Node built-ins, Electron or the engine at run time.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'dgram', 'http', 'https', 'crypto', 'worker_threads', 'stream', 'events']

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
    files: ['packages/p2p-core/**', 'packages/http-share/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*', 'react', 'react/*', 'react-dom', 'react-dom/*'], message: 'Engine packages never import Electron, React or the DOM (DESIGN.md layers).' },
          { group: ['**/apps/**', '@ferry/ui', '@ferry/desktop', '@ferry/cli'], message: 'Packages never import apps or the UI.' }
        ]
      }],
      'no-console': 'error'
    }
  },
  {
    files: ['packages/p2p-core/src/**', 'packages/http-share/src/**'],
    languageOptions: { globals: { ...globals.node, window: 'off', document: 'off', navigator: 'off' } }
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
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'The UI never imports Node built-ins (DESIGN.md layers).' },
          { group: ['electron', 'electron/*'], message: 'The UI never imports Electron; it talks to FerryApi.' },
          { group: ['@ferry/p2p-core', '@ferry/http-share', '**/apps/**'], allowTypeImports: true, message: 'The UI imports engine types only, never engine code.' }
        ]
      }],
      'no-console': 'error'
    }
  }
)
