// The tray icon: Ferry keeps running there when its window is closed. Its menu turns receiving on and off, opens
// the window, and quits for real.

import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron'

export interface TrayActions {
  isReceiving: () => boolean
  setReceiving: (on: boolean) => void
  open: () => void
  quit: () => void
}

export function trayMenuTemplate (actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { id: 'receive', label: 'Receive', type: 'checkbox', checked: actions.isReceiving(), click: (item) => { actions.setReceiving(item.checked) } },
    { id: 'open', label: 'Open Ferry', click: () => { actions.open() } },
    { type: 'separator' },
    { id: 'quit', label: 'Quit Ferry', click: () => { actions.quit() } }
  ]
}

export interface FerryTray {
  /** Rebuilds the menu (after receiving was switched elsewhere). */
  refresh: () => void
  destroy: () => void
}

/** `iconPath` may be missing on some platforms' builds; an empty image still gives a clickable tray entry. */
export function createTray (iconPath: string, actions: TrayActions): FerryTray {
  const icon = nativeImage.createFromPath(iconPath)
  const tray = new Tray(icon)
  tray.setToolTip('Ferry')
  const refresh = (): void => { tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(actions))) }
  tray.on('click', () => { actions.open() })
  refresh()
  return { refresh, destroy: () => { tray.destroy() } }
}
