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
import type { DropStager } from '../../src/app/drop-stager.ts'
import { FerryProvider } from '../../src/app/ferry-context.tsx'
import { PickerHost } from '../../src/app/pickers.tsx'
import type { Notifier, NotifyPermission } from '../../src/app/notifier.ts'
import { createFerryStore, type FerryStore } from '../../src/store/ferry-store.ts'

export interface Rendered extends RenderResult {
  fake: FakeFerryApi
  store: FerryStore
  user: ReturnType<typeof userEvent.setup>
}

export function useFerryCleanup (): void {
  afterEach(() => { cleanup() })
}

export async function renderFerry (ui: ReactNode = <App />, init: FakeFerryInit & { resolveDrop?: DropResolver, stageDrops?: DropStager, notifier?: Notifier } = {}): Promise<Rendered> {
  const { resolveDrop, stageDrops, notifier, ...fakeInit } = init
  const fake = new FakeFerryApi(fakeInit)
  const store = createFerryStore(fake)
  const user = userEvent.setup()
  const result = render(
    <FerryProvider store={store} resolveDrop={resolveDrop ?? createDropResolver(fake)} stageDrops={stageDrops} notifier={notifier}>
      <PickerHost>{ui}</PickerHost>
    </FerryProvider>
  )
  await act(async () => { await store.ready })
  return { ...result, fake, store, user }
}

/** A Notifier that records what it was asked to show; `background` says whether the page counts as hidden. */
export class RecordingNotifier implements Notifier {
  readonly shown: Array<{ title: string, body: string, tag: string }> = []
  background = true
  granted: NotifyPermission
  constructor (permission: NotifyPermission = 'granted') { this.granted = permission }
  permission = (): NotifyPermission => this.granted
  requestPermission = async (): Promise<NotifyPermission> => { this.granted = 'granted'; return this.granted }
  inBackground = (): boolean => this.background
  notify = (message: { title: string, body: string, tag: string }): void => { if (this.granted === 'granted') this.shown.push(message) }
}
