// A device's kind as a small line drawing (inline SVG: no emoji font needed, follows the text colour), named
// for screen readers.

import type { ReactNode } from 'react'
import type { DeviceType } from '@ferry/api'

const labels: Record<DeviceType, string> = { desktop: 'Desktop', laptop: 'Laptop', phone: 'Phone', server: 'Server', unknown: 'Device' }

const shapes: Record<DeviceType, ReactNode> = {
  desktop: <><rect x='3' y='4' width='18' height='12' rx='1.5' /><path d='M9 20h6M12 16v4' /></>,
  laptop: <><rect x='5' y='5' width='14' height='10' rx='1.5' /><path d='M2.5 19h19l-2-4h-15z' /></>,
  phone: <><rect x='7' y='2.5' width='10' height='19' rx='2' /><path d='M11 18.5h2' /></>,
  server: <><rect x='4' y='3.5' width='16' height='7' rx='1.5' /><rect x='4' y='13.5' width='16' height='7' rx='1.5' /><path d='M8 7h.01M8 17h.01' /></>,
  unknown: <><circle cx='12' cy='12' r='9' /><path d='M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6v.6M12 17h.01' /></>
}

export function DeviceIcon ({ type }: { type: DeviceType }): ReactNode {
  const kind = type in shapes ? type : 'unknown'
  return (
    <svg className='device-icon' role='img' aria-label={labels[kind]} viewBox='0 0 24 24' width='32' height='32' fill='none' stroke='currentColor' strokeWidth='1.6' strokeLinecap='round' strokeLinejoin='round'>
      {shapes[kind]}
    </svg>
  )
}
