import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// The layer arrows of DESIGN.md are a lint rule; these sentences prove the rule bites, not just that it exists.
const root = fileURLToPath(new URL('../../../', import.meta.url))
const eslint = new ESLint({ cwd: root })

async function ruleIds (file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}` })
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message)
}

describe('the layer lint rule', () => {
  it.each([
    ['packages/p2p-core/src/x.ts', "import { app } from 'electron'\nexport const a = app\n"],
    ['packages/http-share/src/x.ts', "import React from 'react'\nexport const r = React\n"],
    ['packages/p2p-core/src/x.ts', "import { main } from '../../../apps/cli/src/main.ts'\nexport const m = main\n"],
    ['packages/ui/src/x.ts', "import { readFile } from 'node:fs/promises'\nexport const r = readFile\n"],
    ['packages/ui/src/x.ts', "import { ipcRenderer } from 'electron'\nexport const i = ipcRenderer\n"],
    ['packages/ui/src/x.ts', "import { FerryNode } from '@ferry/p2p-core'\nexport const n = FerryNode\n"],
    // Issue 16: the engine packages never reach up to the app layer or the contract; p2p-core is the bottom.
    ['packages/p2p-core/src/x.ts', "import { createShareServer } from '@ferry/http-share'\nexport const c = createShareServer\n"],
    ['packages/p2p-core/src/x.ts', "import { decideOffer } from '@ferry/app-service/peers'\nexport const d = decideOffer\n"],
    ['packages/http-share/src/x.ts', "import { ApiError } from '@ferry/api'\nexport const a = ApiError\n"],
    // Issue 16: the app layer is fenced too (no React, no DOM, no Electron, no UI).
    ['packages/app-service/src/x.ts', "import { app } from 'electron'\nexport const a = app\n"],
    ['packages/app-service/src/x.ts', "import React from 'react'\nexport const r = React\n"],
    ['packages/app-service/src/x.ts', "import { createRoot } from 'react-dom/client'\nexport const c = createRoot\n"],
    ['packages/app-service/src/x.ts', "import { mountFerryUi } from '@ferry/ui'\nexport const m = mountFerryUi\n"],
    ['packages/app-service/test/x.test.ts', "import { app } from 'electron'\nexport const a = app\n"],
    // Issue 16: the FerryApi contract loads in browsers: no Node, no engine, no UI.
    ['packages/api/src/x.ts', "import { readFile } from 'node:fs/promises'\nexport const r = readFile\n"],
    ['packages/api/src/x.ts', "import { FerryNode } from '@ferry/p2p-core'\nexport const n = FerryNode\n"],
    ['packages/api/src/x.ts', "import { App } from '@ferry/ui'\nexport const a = App\n"]
  ])('refuses %s importing across a layer', async (file, code) => {
    expect(await ruleIds(file, code)).toContain('no-restricted-imports')
  })

  it('refuses the DOM in the app layer (issue 16)', async () => {
    expect(await ruleIds('packages/app-service/src/x.ts', 'export const title = document.title\n')).toContain('no-restricted-globals')
    expect(await ruleIds('packages/app-service/src/x.ts', 'export const w = window\n')).toContain('no-restricted-globals')
  })

  it.each([
    ['packages/ui/src/screens/x.tsx', "import { FakeFerryApi } from '@ferry/api/testing'\nexport const f = FakeFerryApi\n"],
    ['packages/ui/src/app/x.ts', "import { fakePeer } from '../../../api/src/testing/fake-fixtures.ts'\nexport const p = fakePeer\n"],
    ['packages/app-service/src/x.ts', "import { FakeFerryApi } from '@ferry/api/testing'\nexport const f = FakeFerryApi\n"],
    ['packages/app-service/src/x.ts', "import { describeFerryApiCompliance } from '@ferry/api/compliance'\nexport const d = describeFerryApiCompliance\n"],
    ['packages/api/src/x.ts', "import { FakeFerryApi } from './testing/fake-ferry-api.ts'\nexport const f = FakeFerryApi\n"],
    ['packages/p2p-core/src/x.ts', "import { FaultyTransport } from './testing/faulty-transport.ts'\nexport const f = FaultyTransport\n"],
    ['packages/http-share/src/x.ts', "import { x } from '../test/helpers/share-fixture.ts'\nexport const y = x\n"],
    ['apps/desktop/src/main/x.ts', "import { FakeFerryApi } from '@ferry/api/testing'\nexport const f = FakeFerryApi\n"],
    ['apps/cli/src/x.ts', "import { fakePeer } from '@ferry/api/testing'\nexport const p = fakePeer\n"]
  ])('refuses fakes, fixtures and test suites in production code: %s (issue 16)', async (file, code) => {
    expect(await ruleIds(file, code)).toContain('no-restricted-imports')
  })

  it.each([
    ['packages/ui/test/x.test.tsx', "import { FakeFerryApi } from '@ferry/api/testing'\nexport const f = FakeFerryApi\n"],
    ['packages/app-service/test/x.test.ts', "import { describeFerryApiCompliance } from '@ferry/api/compliance'\nexport const d = describeFerryApiCompliance\n"],
    ['apps/desktop/test/x.test.ts', "import { FakeFerryApi } from '@ferry/api/testing'\nexport const f = FakeFerryApi\n"],
    // The demo page (shown only when no host answers) is built on the fake engine.
    ['packages/ui/src/demo/x.ts', "import { FakeFerryApi } from '@ferry/api/testing'\nexport const f = FakeFerryApi\n"]
  ])('lets tests and the demo page use fakes: %s', async (file, code) => {
    expect(await ruleIds(file, code)).toEqual([])
  })

  it('lets the UI import engine types', async () => {
    expect(await ruleIds('packages/ui/src/x.ts', "import type { FerryNode } from '@ferry/p2p-core'\nexport type N = FerryNode\n")).toEqual([])
  })

  it('lets the app layer import the contract and the engine (issue 16)', async () => {
    expect(await ruleIds('packages/app-service/src/x.ts', "import { apiErrorCodes } from '@ferry/api'\nimport { FerryNode } from '@ferry/p2p-core'\nexport const a = [apiErrorCodes, FerryNode]\n")).toEqual([])
  })

  it('refuses console output inside the engine packages and the app layer', async () => {
    expect(await ruleIds('packages/p2p-core/src/x.ts', "console.log('hi')\n")).toContain('no-console')
    expect(await ruleIds('packages/app-service/src/x.ts', "console.log('hi')\n")).toContain('no-console')
  })
})
