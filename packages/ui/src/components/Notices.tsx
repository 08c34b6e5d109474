// Error notices: the engine's own problems and failed actions with no dialog to show them, in words from
// messages.ts, announced politely and dismissed by the user.

import type { ReactNode } from 'react'
import { useFerry } from '../app/ferry-context.tsx'
import { messageFor } from '../messages.ts'

export function Notices (): ReactNode {
  const notices = useFerry((s) => s.notices)
  const dismiss = useFerry((s) => s.dismissNotice)
  return (
    <section className='notices' aria-label='Notifications' aria-live='polite'>
      {notices.map((notice) => (
        <div key={notice.id} className='notice'>
          <p>
            {notice.context !== undefined && <strong>{notice.context}: </strong>}
            {messageFor(notice.error)}
          </p>
          <button type='button' className='icon-button' aria-label='Dismiss' onClick={() => { dismiss(notice.id) }}>×</button>
        </div>
      ))}
    </section>
  )
}
