// Telling the user about an offer while Ferry's window is not in front. In a browser (`ferry ui`) that is the
// Notification API, once the user allowed it (Settings, "Notifications"); the desktop app notifies natively from
// its main process instead (apps/desktop notifications.ts), so its UI gets no notifier. Kept behind this small
// interface so tests hand in a recorder.

export type NotifyPermission = 'granted' | 'denied' | 'default' | 'unsupported'

export interface Notifier {
  permission: () => NotifyPermission
  /** Asks the browser (call it from a click: browsers ignore requests without a user gesture). */
  requestPermission: () => Promise<NotifyPermission>
  /** Whether the user would miss something shown only in the page: the tab is hidden or another window has focus. */
  inBackground: () => boolean
  /** Shows one notification; `tag` replaces an earlier one with the same tag; a click brings the page forward. */
  notify: (message: { title: string, body: string, tag: string }, onClick: () => void) => void
}

/** The Notification API of `win`, or undefined where the browser has none. */
export function browserNotifier (win: Window): Notifier | undefined {
  const NotificationApi = (win as Window & { Notification?: typeof Notification }).Notification
  if (NotificationApi === undefined) return undefined
  const permission = (): NotifyPermission => NotificationApi.permission
  return {
    permission,
    requestPermission: async () => {
      try {
        return await NotificationApi.requestPermission()
      } catch {
        return permission()
      }
    },
    inBackground: () => win.document.visibilityState === 'hidden' || !win.document.hasFocus(),
    notify: ({ title, body, tag }, onClick) => {
      if (permission() !== 'granted') return
      const shown = new NotificationApi(title, { body, tag })
      shown.onclick = () => {
        win.focus()
        onClick()
        shown.close()
      }
    }
  }
}
