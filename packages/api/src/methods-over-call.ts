// Every remote FerryApi client (the WebSocket client, Electron's preload) turns each method into one generic
// call(method, args, options); this is that mapping, written once, so a method added to the contract is added to
// every client in one place.

import type { CallOptions, FerryApi, FerryMethodName } from './ferry-api.ts'

/** Sends one method call to the host and resolves with its result. */
export type RemoteCall = (method: FerryMethodName, args: unknown[], options?: CallOptions) => Promise<unknown>

/** The request/response half of FerryApi, each method forwarded to `call`. */
export function methodsOverCall (call: RemoteCall): Pick<FerryApi, FerryMethodName> {
  return {
    getState: async (options) => await call('getState', [], options) as Awaited<ReturnType<FerryApi['getState']>>,
    sendFiles: async (peerId, paths, options) => await call('sendFiles', [peerId, paths], options) as { transferId: string },
    sendText: async (peerId, text, options) => await call('sendText', [peerId, text], options) as { transferId: string },
    addPeerByAddress: async (text, options) => await call('addPeerByAddress', [text], options) as Awaited<ReturnType<FerryApi['addPeerByAddress']>>,
    respondToOffer: async (offerId, decision, options) => { await call('respondToOffer', [offerId, decision], options) },
    cancelTransfer: async (transferId, options) => { await call('cancelTransfer', [transferId], options) },
    retryTransfer: async (transferId, options) => { await call('retryTransfer', [transferId], options) },
    setTrust: async (peerId, trust, autoAccept, options) => await call('setTrust', [peerId, trust, autoAccept], options) as Awaited<ReturnType<FerryApi['setTrust']>>,
    createShare: async (request, options) => await call('createShare', [request], options) as Awaited<ReturnType<FerryApi['createShare']>>,
    revokeShare: async (shareId, options) => { await call('revokeShare', [shareId], options) },
    updateSettings: async (patch, options) => await call('updateSettings', [patch], options) as Awaited<ReturnType<FerryApi['updateSettings']>>,
    openFile: async (path, options) => { await call('openFile', [path], options) },
    showInFolder: async (path, options) => { await call('showInFolder', [path], options) },
    pickFiles: async (options) => await call('pickFiles', [], options) as string[],
    pickFolder: async (options) => await call('pickFolder', [], options) as string | null,
    listFolder: async (path, options) => await call('listFolder', [path], options) as Awaited<ReturnType<FerryApi['listFolder']>>,
    dismissTransfers: async (transferIds, options) => { await call('dismissTransfers', [transferIds], options) },
    clearHistory: async (entryIds, options) => { await call('clearHistory', [entryIds], options) },
    removePeer: async (peerId, options) => { await call('removePeer', [peerId], options) }
  }
}
