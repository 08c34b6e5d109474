// The share dialog: the form for a new link, then (or for an existing share) its details.

import { useState, type ReactNode } from 'react'
import { Dialog } from '../components/Dialog.tsx'
import { ShareDetails } from './ShareDetails.tsx'
import { ShareForm } from './ShareForm.tsx'

export function ShareDialog ({ shareId, onClose }: { shareId?: string, onClose: () => void }): ReactNode {
  const [shown, setShown] = useState<string | undefined>(shareId)
  return (
    <Dialog title={shown === undefined ? 'Share files with a link' : 'Share link'} onClose={onClose} className='dialog--wide'>
      {shown === undefined
        ? <ShareForm onCreated={(share) => { setShown(share.id) }} onCancel={onClose} />
        : <ShareDetails shareId={shown} />}
    </Dialog>
  )
}
