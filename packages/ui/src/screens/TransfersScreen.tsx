// Transfers of this session, newest first: running ones with live progress, finished ones until dismissed one by
// one or all at once ("Clear finished"); History keeps the record.

import type { ReactNode } from 'react'
import { useFerry } from '../app/ferry-context.tsx'
import { EmptyState } from '../components/EmptyState.tsx'
import { isActive } from '../store/transfers-slice.ts'
import { TransferItem } from './TransferItem.tsx'

export function TransfersScreen (): ReactNode {
  const transfers = useFerry((s) => s.transfers)
  const dismiss = useFerry((s) => s.dismissTransfers)
  const reportError = useFerry((s) => s.reportError)
  const ended = transfers.filter((t) => !isActive(t)).length
  return (
    <section className='screen' aria-labelledby='transfers-title'>
      <div className='screen-head'>
        <h2 id='transfers-title'>Transfers</h2>
        {ended > 0 && <button type='button' onClick={() => { dismiss().catch((err: unknown) => { reportError(err, 'Clear finished') }) }}>Clear finished ({ended})</button>}
      </div>
      {transfers.length === 0
        ? (
          <EmptyState title='No transfers yet'>
            <p>Files you send or receive show up here while they move. To send, drop files on a device under Nearby or use its “Send files…” button.</p>
          </EmptyState>
          )
        : <ul className='transfer-list'>{transfers.map((t) => <TransferItem key={t.id} transfer={t} />)}</ul>}
    </section>
  )
}
