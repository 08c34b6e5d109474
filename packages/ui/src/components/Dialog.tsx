// A modal dialog: labelled by its title, focus moved inside on open, kept inside with Tab, given back on close;
// Escape and a click on the backdrop close it. Not <dialog>.showModal(): jsdom lacks it and tests must run there.
// Dialogs of the 'top' layer (offers) stack above all others, whatever is open.

import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react'

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])'

export interface DialogProps {
  title: ReactNode
  onClose: () => void
  children: ReactNode
  /** Extra class on the panel, e.g. for a wider dialog. */
  className?: string
  /**
   * 'top': above every other dialog (an incoming offer, which must never open behind the share dialog a visitor's
   * upload came through). Default 'base'.
   */
  layer?: 'base' | 'top'
}

export function Dialog ({ title, onClose, children, className, layer = 'base' }: DialogProps): ReactNode {
  const titleId = useId()
  const panel = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    const first = panel.current?.querySelector<HTMLElement>('[data-autofocus]') ?? panel.current?.querySelector<HTMLElement>(FOCUSABLE)
    ;(first ?? panel.current)?.focus()
    return () => { if (opener?.isConnected === true) opener.focus() }
  }, [])

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key === 'Escape') {
      event.stopPropagation()
      onClose()
      return
    }
    if (event.key !== 'Tab' || panel.current === null) return
    const items = [...panel.current.querySelectorAll<HTMLElement>(FOCUSABLE)]
    const first = items[0]
    const last = items[items.length - 1]
    if (first === undefined || last === undefined) return
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault()
      first.focus()
    }
  }

  return (
    <div className={`dialog-backdrop${layer === 'top' ? ' dialog-backdrop--top' : ''}`} onMouseDown={(event) => { if (event.target === event.currentTarget) onClose() }}>
      <div
        ref={panel}
        className={`dialog ${className ?? ''}`}
        role='dialog'
        aria-modal='true'
        aria-labelledby={titleId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <div className='dialog-head'>
          <h2 id={titleId} className='dialog-title'>{title}</h2>
          <button type='button' className='icon-button' aria-label='Close' onClick={onClose}>×</button>
        </div>
        {children}
      </div>
    </div>
  )
}
