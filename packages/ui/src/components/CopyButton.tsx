// A button that copies a text to the clipboard and says so (politely, for screen readers too).

import { useState, type ReactNode } from 'react'

export function CopyButton ({ text, label = 'Copy', ariaLabel }: { text: string, label?: string, ariaLabel?: string }): ReactNode {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text)
      setState('copied')
    } catch {
      setState('failed')
    }
  }
  return (
    <span className='copy'>
      <button type='button' aria-label={ariaLabel} onClick={() => { void copy() }}>{label}</button>
      <span role='status' className='copy-status'>
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy; select the text and copy it by hand' : ''}
      </span>
    </span>
  )
}
