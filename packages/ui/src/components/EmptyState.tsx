// What a list says when it has nothing in it: what would appear here, and how to make it appear.

import type { ReactNode } from 'react'

export function EmptyState ({ title, children }: { title: string, children?: ReactNode }): ReactNode {
  return (
    <div className='empty'>
      <p className='empty-title'>{title}</p>
      {children}
    </div>
  )
}
