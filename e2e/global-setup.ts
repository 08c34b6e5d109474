// Before any test: the UI that `ferry ui` serves (packages/ui/dist) is built from the current sources, once, and not
// inside a test's time (the same check `ferry ui` makes when it starts).

import { ensureUiBuilt } from '../apps/cli/src/ui-server/build-ui.ts'

export default async function globalSetup (): Promise<void> {
  await ensureUiBuilt({ timeoutMs: 180_000 })
}
