// Choosing files and folders: the host's native dialog where it has one (Electron), else the UI's own browser of the
// host's folders (FileBrowserDialog over FerryApi.listFolder: `ferry ui`, whose page cannot learn paths from the
// browser's picker). Components call usePickers(); PickerHost, mounted once around the app, shows the dialog.

import { createContext, useContext, useState, type ReactNode } from 'react'
import { apiErrorCodes, toErrorDto } from '@ferry/api'
import { FileBrowserDialog } from '../dialogs/FileBrowserDialog.tsx'
import { useFerry } from './ferry-context.tsx'

export type PickMode = 'files' | 'folder'

interface PickRequest {
  mode: PickMode
  title: string
  done: (paths: string[] | null) => void
}

type OpenBrowser = (mode: PickMode, title: string) => Promise<string[] | null>

const PickerContext = createContext<OpenBrowser | null>(null)

/** Shows the file browser when a component asks for it; remembers the last folder for next time. */
export function PickerHost ({ children }: { children: ReactNode }): ReactNode {
  const [request, setRequest] = useState<PickRequest | null>(null)
  const [lastFolder, setLastFolder] = useState<string | null>(null)
  const open: OpenBrowser = async (mode, title) => await new Promise((resolve) => {
    setRequest((current) => {
      current?.done(null)
      return { mode, title, done: resolve }
    })
  })
  return (
    <PickerContext value={open}>
      {children}
      {request !== null && (
        <FileBrowserDialog
          mode={request.mode} title={request.title} start={lastFolder}
          onDone={(paths, folder) => {
            if (folder !== undefined) setLastFolder(folder)
            request.done(paths)
            setRequest(null)
          }}
        />
      )}
    </PickerContext>
  )
}

export interface Pickers {
  /** Files the user chose ([] when dismissed). */
  pickFiles: (title?: string) => Promise<string[]>
  /** One folder the user chose (null when dismissed). */
  pickFolder: (title?: string) => Promise<string | null>
}

export function usePickers (): Pickers {
  const openBrowser = useContext(PickerContext)
  const nativeFiles = useFerry((s) => s.pickFiles)
  const nativeFolder = useFerry((s) => s.pickFolder)
  const withFallback = async <T,>(native: () => Promise<T>, browse: () => Promise<T>): Promise<T> => {
    try {
      return await native()
    } catch (err) {
      if (toErrorDto(err).code !== apiErrorCodes.unsupported || openBrowser === null) throw err
      return await browse()
    }
  }
  return {
    pickFiles: async (title = 'Choose files') => await withFallback(nativeFiles, async () => await openBrowser?.('files', title) ?? []),
    pickFolder: async (title = 'Choose a folder') => await withFallback(nativeFolder, async () => (await openBrowser?.('folder', title))?.[0] ?? null)
  }
}
