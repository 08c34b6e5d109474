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
    ['packages/ui/src/x.ts', "import { FerryNode } from '@ferry/p2p-core'\nexport const n = FerryNode\n"]
  ])('refuses %s importing across a layer', async (file, code) => {
    expect(await ruleIds(file, code)).toContain('no-restricted-imports')
  })

  it('lets the UI import engine types', async () => {
    expect(await ruleIds('packages/ui/src/x.ts', "import type { FerryNode } from '@ferry/p2p-core'\nexport type N = FerryNode\n")).toEqual([])
  })

  it('refuses console output inside the engine packages', async () => {
    expect(await ruleIds('packages/p2p-core/src/x.ts', "console.log('hi')\n")).toContain('no-console')
  })
})
