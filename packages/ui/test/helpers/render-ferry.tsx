// Mounts UI under test on the in-memory FerryApi with a real store, the way mountFerryUi does, and waits for
// the first snapshot. Testing Library's automatic cleanup needs vitest globals, which this repo does not turn on,
// so each test file calls useFerryCleanup().

import { act, cleanup, render, type RenderResult } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach } from 'vitest'
import type { ReactNode } from 'react'
import type { DropResolver } from '@ferry/api'
import { FakeFerryApi, type FakeFerryInit } from '@ferry/api/testing'
import { App } from '../../src/app/App.tsx'
import { createDropResolver } from '../../src/app/drop-resolver.ts'
import { FerryProvider } from '../../src/app/ferry-context.tsx'
import { createFerryStore, type FerryStore } from '../../src/store/ferry-store.ts'

export interface Rendered extends RenderResult {
  fake: FakeFerryApi
  store: FerryStore
  user: ReturnType<typeof userEvent.setup>
}

export function useFerryCleanup (): void {
  afterEach(() => { cleanup() })
}

export async function renderFerry (ui: ReactNode = <App />, init: FakeFerryInit & { resolveDrop?: DropResolver } = {}): Promise<Rendered> {
  const { resolveDrop, ...fakeInit } = init
  const fake = new FakeFerryApi(fakeInit)
  const store = createFerryStore(fake)
  const user = userEvent.setup()
  const result = render(
    <FerryProvider store={store} resolveDrop={resolveDrop ?? createDropResolver(fake)}>{ui}</FerryProvider>
  )
  await act(async () => { await store.ready })
  return { ...result, fake, store, user }
}
