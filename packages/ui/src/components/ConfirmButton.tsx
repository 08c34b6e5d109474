// A button for something that cannot be undone (revoking a link, clearing history): the first click asks, in place,
// with the consequence in words; only "Yes, …" does it, and "Keep" or Escape puts the button back.

import { useEffect, useId, useRef, useState, type ReactNode } from 'react'

export interface ConfirmButtonProps {
  /** What the button says, e.g. "Revoke link". */
  label: string
  /** The question, with what happens, e.g. "Revoke this link? Visitors can no longer download from it." */
  question: string
  /** What the confirming button says, e.g. "Yes, revoke". */
  confirmLabel: string
  onConfirm: () => void
  className?: string
  describedBy?: string
}

export function ConfirmButton ({ label, question, confirmLabel, onConfirm, className, describedBy }: ConfirmButtonProps): ReactNode {
  const [asking, setAsking] = useState(false)
  const questionId = useId()
  const confirm = useRef<HTMLButtonElement>(null)
  useEffect(() => { if (asking) confirm.current?.focus() }, [asking])
  if (!asking) {
    return <button type='button' className={className} aria-describedby={describedBy} onClick={() => { setAsking(true) }}>{label}</button>
  }
  return (
    <span
      className='confirm' role='group' aria-labelledby={questionId}
      onKeyDown={(event) => { if (event.key === 'Escape') { event.stopPropagation(); setAsking(false) } }}
    >
      <span id={questionId} className='confirm-question'>{question}</span>
      <button type='button' onClick={() => { setAsking(false) }}>Keep</button>
      <button ref={confirm} type='button' className='danger' onClick={() => { setAsking(false); onConfirm() }}>{confirmLabel}</button>
    </span>
  )
}
