// The Electron side of the service's HostHooks: native file dialogs and the shell. Each hook answers for the
// window the user is looking at (dialogs are modal to it).

import { dialog, shell, type BrowserWindow } from 'electron'
import type { HostHooks } from '@ferry/app-service'

export function electronHostHooks (currentWindow: () => BrowserWindow | undefined): Required<HostHooks> {
  const withWindow = async <T>(show: (window: BrowserWindow | undefined) => Promise<T>): Promise<T> => await show(currentWindow())
  return {
    pickFiles: async () => await withWindow(async (window) => {
      const options = { title: 'Send files', properties: ['openFile', 'multiSelections'] as Array<'openFile' | 'multiSelections'> }
      const result = window === undefined ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(window, options)
      return result.canceled ? [] : result.filePaths
    }),
    pickFolder: async () => await withWindow(async (window) => {
      const options = { title: 'Choose a folder', properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'> }
      const result = window === undefined ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(window, options)
      return result.canceled ? null : (result.filePaths[0] ?? null)
    }),
    openPath: async (path) => {
      // shell.openPath resolves with an error message, '' on success.
      const problem = await shell.openPath(path)
      if (problem !== '') throw new Error(problem)
    },
    showInFolder: async (path) => { shell.showItemInFolder(path) }
  }
}
