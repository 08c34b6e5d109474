// Ferry's preload: runs sandboxed before the page and hands it exactly one object, `window.ferry`, a FerryApi over
// IPC (ipc-ferry-api.ts) adapted for the contextBridge (to-main-world.ts). It never exposes ipcRenderer, a generic
// send, or process.env (STYLE.md rule 3).

import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { createIpcFerryApi } from './ipc-ferry-api.ts'
import { toMainWorld } from './to-main-world.ts'

const api = createIpcFerryApi({ ipcRenderer, getPathForFile: (file) => webUtils.getPathForFile(file) })
contextBridge.exposeInMainWorld('ferry', toMainWorld(api))
