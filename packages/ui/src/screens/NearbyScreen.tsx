// Nearby devices: everything discovery and the user's own additions found, online first, trusted first, each a
// drop target; plus how to add a device by address and how other devices can add this one.

import { useState, type ReactNode } from 'react'
import type { Peer } from '@ferry/api'
import { useFerry } from '../app/ferry-context.tsx'
import { CopyButton } from '../components/CopyButton.tsx'
import { EmptyState } from '../components/EmptyState.tsx'
import { AddDeviceDialog } from '../dialogs/AddDeviceDialog.tsx'
import { SendTextDialog } from '../dialogs/SendTextDialog.tsx'
import { DeviceCard } from './DeviceCard.tsx'

const trustRank = { trusted: 0, known: 1, unknown: 2 }

function byPresenceThenTrust (a: Peer, b: Peer): number {
  return Number(b.online) - Number(a.online) || trustRank[a.trust] - trustRank[b.trust] ||
    (a.alias ?? '').localeCompare(b.alias ?? '') || a.id.localeCompare(b.id)
}

export function NearbyScreen (): ReactNode {
  const peers = useFerry((s) => s.peers)
  const device = useFerry((s) => s.device)
  const [adding, setAdding] = useState(false)
  const [textTo, setTextTo] = useState<Peer | null>(null)
  const sorted = [...peers].sort(byPresenceThenTrust)

  return (
    <section className='screen' aria-labelledby='nearby-title'>
      <div className='screen-head'>
        <h2 id='nearby-title'>Nearby devices</h2>
        <button type='button' onClick={() => { setAdding(true) }}>Add device…</button>
      </div>
      {sorted.length === 0
        ? (
          <EmptyState title='No devices found yet'>
            <p>
              Devices running Ferry on the same network appear here by themselves within a few seconds. If one does not
              (some networks block discovery), choose “Add device…” and type the address it shows, such as
              192.168.1.20:41234, or paste its ferry:// link.
            </p>
          </EmptyState>
          )
        : (
          <>
            <p className='hint'>Drop files or folders on a device to send them.</p>
            <ul className='device-grid'>
              {sorted.map((peer) => <li key={peer.id}><DeviceCard peer={peer} onSendText={setTextTo} /></li>)}
            </ul>
          </>
          )}
      {device?.link !== undefined && (
        <details className='this-device'>
          <summary>How other devices can add this one</summary>
          <p>On the other device choose “Add device…” and paste this link:</p>
          <p className='link-row'><code>{device.link}</code> <CopyButton text={device.link} label='Copy link' /></p>
        </details>
      )}
      {adding && <AddDeviceDialog onClose={() => { setAdding(false) }} />}
      {textTo !== null && <SendTextDialog peer={textTo} onClose={() => { setTextTo(null) }} />}
    </section>
  )
}
