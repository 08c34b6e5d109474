// Banners across the top: demo mode (no engine behind the UI) and a broken link to the engine.

import { useEffect, useState, type ReactNode } from 'react'
import { useFerry } from '../app/ferry-context.tsx'

/** What the demo page can be asked to do, beyond what the fake engine does by itself. */
export interface DemoControls {
  simulateOffer: () => void
}

export function DemoBanner ({ demo }: { demo: DemoControls }): ReactNode {
  return (
    <div className='banner banner--demo' role='note'>
      <strong>Demo mode.</strong> No Ferry engine is connected: devices, transfers and links here are made up, and
      nothing leaves this page.
      <button type='button' onClick={demo.simulateOffer}>Simulate an incoming offer</button>
    </div>
  )
}

/** How long reconnecting may go on before the banner says Ferry is not answering here, in ms. */
export const NOT_ANSWERING_AFTER_MS = 10_000

/** Whether the link has been 'connecting' for NOT_ANSWERING_AFTER_MS without opening. */
function useLongReconnect (connecting: boolean): boolean {
  const [long, setLong] = useState(false)
  useEffect(() => {
    setLong(false)
    if (!connecting) return
    const timer = setTimeout(() => { setLong(true) }, NOT_ANSWERING_AFTER_MS)
    return () => { clearTimeout(timer) }
  }, [connecting])
  return long
}

export function ConnectionBanner (): ReactNode {
  const connection = useFerry((s) => s.connection)
  const phase = useFerry((s) => s.phase)
  const long = useLongReconnect(connection === 'connecting')
  if (connection === 'open' || (phase === 'loading' && connection === 'connecting' && !long)) return null
  return (
    <div className='banner banner--warn' role='status'>
      {connection === 'closed'
        ? <>This page is not signed in to Ferry: its one-time link was used or has expired, or “ferry ui” was restarted or signed every page out. Run <code>ferry ui --open</code>, or open the new link “ferry ui” prints (press Enter in its terminal for another).</>
        : long
          ? <>Ferry is not answering at this address. If “ferry ui” was stopped or restarted on another port, start it again and open the link it prints (or run <code>ferry ui --open</code>). Still trying…</>
          : 'The connection to Ferry was lost. Reconnecting…'}
    </div>
  )
}
