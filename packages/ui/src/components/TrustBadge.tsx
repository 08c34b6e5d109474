// The app's trust in a device, in words (colour only repeats them).

import type { ReactNode } from 'react'
import type { Trust } from '@ferry/api'

const labels: Record<Trust, string> = { trusted: 'Trusted', known: 'Known', unknown: 'New device' }

export function TrustBadge ({ trust }: { trust: Trust }): ReactNode {
  return <span className={`badge badge--${trust}`}>{labels[trust]}</span>
}

export function IdentityWarning ({ name }: { name: string }): ReactNode {
  return (
    <p className='warning' role='note'>
      <span aria-hidden='true'>⚠ </span>
      {name} now has a different identity than before. That happens when Ferry is reinstalled, but it can also mean
      another computer is pretending to be it. Compare the short code on both screens before trusting it.
    </p>
  )
}
