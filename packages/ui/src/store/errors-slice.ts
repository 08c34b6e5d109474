// Errors slice: problems to show the user as notices: the engine's own (onError) and failed actions that have no
// dialog to show them in. Bounded to MAX_NOTICES, newest first; each is dismissed by the user.

import { type FerryErrorDto, toErrorDto } from '@ferry/api'
import type { SliceCreator } from './store-types.ts'

export const MAX_NOTICES = 5

export interface Notice {
  id: number
  error: FerryErrorDto
  /** What was being done, e.g. "Cancel transfer" or the engine's context. */
  context?: string
}

export interface ErrorsSlice {
  notices: Notice[]
  /** Records anything thrown (or an error DTO) as a notice. */
  reportError: (error: unknown, context?: string) => void
  dismissNotice: (id: number) => void
}

export const createErrorsSlice = (): SliceCreator<ErrorsSlice> => (set) => {
  let nextId = 1
  return {
    notices: [],
    reportError: (error, context) => {
      const notice: Notice = { id: nextId++, error: toErrorDto(error), ...(context === undefined ? {} : { context }) }
      set((state) => ({ notices: [notice, ...state.notices].slice(0, MAX_NOTICES) }))
    },
    dismissNotice: (id) => { set((state) => ({ notices: state.notices.filter((n) => n.id !== id) })) }
  }
}
