// React's view of the composition root: the store, the drop resolver and the notifier travel by context, so components
// never reach for a global, and tests mount the UI on a store of their own.

import { createContext, useContext, type ReactNode } from 'react'
import { useStore } from 'zustand'
import type { DropResolver } from '@ferry/api'
import type { FerryStore } from '../store/ferry-store.ts'
import type { FerryStoreState } from '../store/store-types.ts'
import type { DropWays } from './drop-resolver.ts'
import type { DropStager } from './drop-stager.ts'
import type { Notifier } from './notifier.ts'

interface FerryContextValue {
  store: FerryStore
  /** How dropped files become host paths where the host knows them (Electron); undefined elsewhere. */
  resolveDrop?: DropResolver | undefined
  /** How a browser hands dropped files to the host (`ferry ui`); undefined elsewhere. */
  stageDrops?: DropStager | undefined
  /** Notifications for a page in the background (a browser host); undefined where the host notifies itself. */
  notifier?: Notifier | undefined
}

const FerryContext = createContext<FerryContextValue | null>(null)

export function FerryProvider ({ store, resolveDrop, stageDrops, notifier, children }: FerryContextValue & { children: ReactNode }): ReactNode {
  return <FerryContext value={{ store, resolveDrop, stageDrops, notifier }}>{children}</FerryContext>
}

function useFerryContext (): FerryContextValue {
  const value = useContext(FerryContext)
  if (value === null) throw new Error('Ferry components need a <FerryProvider> above them')
  return value
}

/** A slice of the store's state; re-renders when the selected value changes (by Object.is). */
export function useFerry<T> (selector: (state: FerryStoreState) => T): T {
  return useStore(useFerryContext().store, selector)
}

/** The ways this host turns a drop into paths (see drop-resolver.ts droppedPaths). */
export function useDropWays (): DropWays {
  const { resolveDrop, stageDrops } = useFerryContext()
  return { resolveDrop, stageDrops }
}

export function useNotifier (): Notifier | undefined {
  return useFerryContext().notifier
}
