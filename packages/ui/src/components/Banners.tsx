// Banners across the top: demo mode (no engine behind the UI) and a broken link to the engine.

import type { ReactNode } from 'react'
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

export function ConnectionBanner (): ReactNode {
  const connection = useFerry((s) => s.connection)
  const phase = useFerry((s) => s.phase)
  if (connection === 'open' || phase === 'loading') return null
  return (
    <div className='banner banner--warn' role='status'>
      {connection === 'connecting'
        ? 'The connection to Ferry was lost. Reconnecting…'
        : 'Disconnected from Ferry. Start “ferry ui” again and open the address it prints.'}
    </div>
  )
}
