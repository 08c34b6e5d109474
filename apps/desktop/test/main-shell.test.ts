import { fakeOffer, FakeFerryApi } from '@ferry/api/testing'
import { beforeEach, describe, expect, it, vi } from 'vitest'

const electron = vi.hoisted(() => {
  type Handler = (...args: unknown[]) => unknown
  class FakeEmitter {
    readonly handlers = new Map<string, Handler[]>()
    on (name: string, handler: Handler): this { this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]); return this }
    once (name: string, handler: Handler): this { return this.on(name, handler) }
    emit (name: string, ...args: unknown[]): void { for (const handler of this.handlers.get(name) ?? []) handler(...args) }
  }
  class FakeWebContents extends FakeEmitter {
    openHandler: (() => unknown) | undefined
    setWindowOpenHandler (handler: () => unknown): void { this.openHandler = handler }
  }
  class FakeBrowserWindow extends FakeEmitter {
    static created: FakeBrowserWindow[] = []
    readonly webContents = new FakeWebContents()
    hidden = false
    loaded: string | undefined
    readonly options: Record<string, unknown>
    constructor (options: Record<string, unknown>) { super(); this.options = options; FakeBrowserWindow.created.push(this) }
    hide (): void { this.hidden = true }
    async loadURL (url: string): Promise<void> { this.loaded = url }
  }
  class FakeTray extends FakeEmitter {
    menu: unknown
    setToolTip (): void {}
    setContextMenu (menu: unknown): void { this.menu = menu }
    destroy (): void {}
  }
  return {
    FakeBrowserWindow,
    FakeTray,
    notifications: [] as Array<{ title: string, body: string }>
  }
})

vi.mock('electron', () => ({
  BrowserWindow: electron.FakeBrowserWindow,
  Tray: electron.FakeTray,
  Menu: { buildFromTemplate: (template: unknown) => ({ template }) },
  nativeImage: { createFromPath: () => ({}) },
  Notification: class {
    static isSupported (): boolean { return true }
    readonly options: { title: string, body: string }
    constructor (options: { title: string, body: string }) { this.options = options }
    on (): void {}
    show (): void { electron.notifications.push(this.options) }
  }
}))

const { createMainWindow, mainWindowOptions } = await import('../src/main/window.ts')
const { createTray, trayMenuTemplate } = await import('../src/main/tray.ts')
const { acquireSingleInstance } = await import('../src/main/single-instance.ts')
const { watchOffers, offerNotificationText } = await import('../src/main/notifications.ts')

const PAGE = 'file:///app/out/renderer/index.html'

describe('the main window', () => {
  beforeEach(() => { electron.FakeBrowserWindow.created.length = 0 })

  it('runs the renderer sandboxed and isolated, without Node, with the preload', () => {
    expect(mainWindowOptions('/app/out/preload/index.cjs').webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs', sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInWorker: false, webviewTag: false
    })
  })

  it('denies every new window and blocks navigation away from the app page', () => {
    createMainWindow({ preloadPath: '/p.cjs', pageUrl: PAGE, isQuitting: () => false })
    const window = electron.FakeBrowserWindow.created[0]
    expect(window?.webContents.openHandler?.()).toEqual({ action: 'deny' })
    const away = { preventDefault: vi.fn() }
    window?.webContents.emit('will-navigate', away, 'https://evil.example/')
    expect(away.preventDefault).toHaveBeenCalled()
    expect(window?.loaded).toBe(PAGE)
  })

  it('closing hides the window (the app stays in the tray) unless the app is quitting', () => {
    let quitting = false
    createMainWindow({ preloadPath: '/p.cjs', pageUrl: PAGE, isQuitting: () => quitting })
    const window = electron.FakeBrowserWindow.created[0]
    const close = { preventDefault: vi.fn() }
    window?.emit('close', close)
    expect(close.preventDefault).toHaveBeenCalled()
    expect(window?.hidden).toBe(true)
    quitting = true
    const reallyClose = { preventDefault: vi.fn() }
    window?.emit('close', reallyClose)
    expect(reallyClose.preventDefault).not.toHaveBeenCalled()
  })
})

describe('single instance', () => {
  it('the first instance keeps the lock and shows its window when a second one starts', () => {
    const handlers: Record<string, () => void> = {}
    const app = { requestSingleInstanceLock: () => true, quit: vi.fn(), on: (name: string, handler: () => void) => { handlers[name] = handler } }
    const show = vi.fn()
    expect(acquireSingleInstance(app as never, show)).toBe(true)
    handlers['second-instance']?.()
    expect(show).toHaveBeenCalledOnce()
    expect(app.quit).not.toHaveBeenCalled()
  })

  it('a second instance quits at once', () => {
    const app = { requestSingleInstanceLock: () => false, quit: vi.fn(), on: vi.fn() }
    expect(acquireSingleInstance(app as never, vi.fn())).toBe(false)
    expect(app.quit).toHaveBeenCalledOnce()
    expect(app.on).not.toHaveBeenCalled()
  })
})

describe('the tray', () => {
  it('offers Receive (a checkbox), Open Ferry and Quit', () => {
    const actions = { isReceiving: () => true, setReceiving: vi.fn(), open: vi.fn(), quit: vi.fn() }
    const items = trayMenuTemplate(actions)
    expect(items.map((item) => item.label ?? item.type)).toEqual(['Receive', 'Open Ferry', 'separator', 'Quit Ferry'])
    expect(items[0]).toMatchObject({ type: 'checkbox', checked: true })
    items[0]?.click?.({ checked: false } as never, undefined, undefined as never)
    expect(actions.setReceiving).toHaveBeenCalledWith(false)
    items[1]?.click?.({} as never, undefined, undefined as never)
    expect(actions.open).toHaveBeenCalled()
  })

  it('shows the receive state and rebuilds its menu on refresh', () => {
    let receiving = true
    const tray = createTray('/none.png', { isReceiving: () => receiving, setReceiving: vi.fn(), open: vi.fn(), quit: vi.fn() })
    receiving = false
    tray.refresh()
    expect(trayMenuTemplate({ isReceiving: () => receiving, setReceiving: vi.fn(), open: vi.fn(), quit: vi.fn() })[0]).toMatchObject({ checked: false })
  })
})

describe('offers', () => {
  beforeEach(() => { electron.notifications.length = 0 })

  it('an offer while the window is in the background shows a system notification', () => {
    const api = new FakeFerryApi()
    watchOffers({ api, isReceiving: () => true, isWindowFocused: () => false, openWindow: vi.fn() })
    const offer = api.emitOffer()
    expect(electron.notifications).toEqual([offerNotificationText(offer)])
  })

  it('no notification when the window is in front: the UI shows the offer', () => {
    const api = new FakeFerryApi()
    watchOffers({ api, isReceiving: () => true, isWindowFocused: () => true, openWindow: vi.fn() })
    api.emitOffer()
    expect(electron.notifications).toEqual([])
  })

  it('with receiving off, an offer is declined at once and nobody is disturbed', async () => {
    const api = new FakeFerryApi()
    watchOffers({ api, isReceiving: () => false, isWindowFocused: () => false, openWindow: vi.fn() })
    const offer = api.emitOffer()
    await Promise.resolve()
    expect(api.callsTo('respondToOffer')).toEqual([[offer.id, { accept: false }]])
    expect(electron.notifications).toEqual([])
  })

  it('the notification names the sender and the files', () => {
    const offer = fakeOffer({ from: { kind: 'device', id: 'x', name: 'Ada laptop' }, files: [{ id: 1, path: 'a.txt', size: 1 }, { id: 2, path: 'b.txt', size: 1 }] })
    expect(offerNotificationText(offer)).toEqual({ title: 'Ada laptop wants to send you 2 files', body: 'a.txt and 1 more' })
  })
})
