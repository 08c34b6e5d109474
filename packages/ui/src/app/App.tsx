// The app shell: this device in the header, the incoming-offer indicator, navigation between the five screens,
// the screen itself, the offer dialog on top of everything (attention.ts: the title counts offers, a background
// page notifies), and the notices. Which screen is shown is view state, kept here;
// everything the engine owns comes from the store.

import { useState, type ReactNode } from 'react'
import { useOfferAttention } from './attention.ts'
import { useFerry, useNotifier } from './ferry-context.tsx'
import { ConnectionBanner, DemoBanner, type DemoControls } from '../components/Banners.tsx'
import { Notices } from '../components/Notices.tsx'
import { OfferDialog } from '../dialogs/OfferDialog.tsx'
import { messageFor } from '../messages.ts'
import { HistoryScreen } from '../screens/HistoryScreen.tsx'
import { NearbyScreen } from '../screens/NearbyScreen.tsx'
import { SettingsScreen } from '../screens/SettingsScreen.tsx'
import { SharesScreen } from '../screens/SharesScreen.tsx'
import { TransfersScreen } from '../screens/TransfersScreen.tsx'
import { isActive } from '../store/transfers-slice.ts'

export type ScreenId = 'nearby' | 'transfers' | 'shares' | 'history' | 'settings'

const screens: ReadonlyArray<{ id: ScreenId, label: string, view: () => ReactNode }> = [
  { id: 'nearby', label: 'Nearby', view: NearbyScreen },
  { id: 'transfers', label: 'Transfers', view: TransfersScreen },
  { id: 'shares', label: 'Share links', view: SharesScreen },
  { id: 'history', label: 'History', view: HistoryScreen },
  { id: 'settings', label: 'Settings', view: SettingsScreen }
]

function OfferQueue ({ later, onLater, onShow }: { later: ReadonlySet<string>, onLater: (id: string) => void, onShow: () => void }): ReactNode {
  const offers = useFerry((s) => s.offers)
  const loaded = useFerry((s) => s.phase !== 'loading')
  useOfferAttention(offers, useNotifier(), loaded)
  const next = offers.find((o) => !later.has(o.id))
  return (
    <>
      {offers.length > 0 && next === undefined && (
        <button type='button' className='offer-indicator' onClick={onShow}>
          {offers.length === 1 ? '1 offer waiting' : `${offers.length} offers waiting`}
        </button>
      )}
      {next !== undefined && <OfferDialog key={next.id} offer={next} onLater={() => { onLater(next.id) }} />}
    </>
  )
}

export function App ({ demo }: { demo?: DemoControls }): ReactNode {
  const [screen, setScreen] = useState<ScreenId>('nearby')
  const [later, setLater] = useState<ReadonlySet<string>>(new Set())
  const device = useFerry((s) => s.device)
  const phase = useFerry((s) => s.phase)
  const loadError = useFerry((s) => s.loadError)
  const activeCount = useFerry((s) => s.transfers.filter(isActive).length)
  const View = screens.find((s) => s.id === screen)?.view ?? NearbyScreen

  return (
    <div className='app'>
      {demo !== undefined && <DemoBanner demo={demo} />}
      <ConnectionBanner />
      <header className='app-header'>
        <h1 className='brand'>Ferry</h1>
        {device !== null && (
          <p className='this-device-label'>
            This device: <strong>{device.alias}</strong> <span className='code' title='Short code of this device'>{device.shortCode}</span>
          </p>
        )}
        <span className='spacer' />
        <OfferQueue
          later={later}
          onLater={(id) => { setLater((current) => new Set(current).add(id)) }}
          onShow={() => { setLater(new Set()) }}
        />
      </header>
      <nav className='app-nav' aria-label='Sections'>
        <ul>
          {screens.map((s) => (
            <li key={s.id}>
              <button type='button' aria-current={screen === s.id ? 'page' : undefined} onClick={() => { setScreen(s.id) }}>
                {/* data-label reserves the bold width, so tabs do not shift when one turns bold (app.css). */}
                <span className='nav-label' data-label={s.label}>{s.label}</span>
                {s.id === 'transfers' && activeCount > 0 && <><span className='count' aria-hidden='true'>{activeCount}</span><span className='sr-only'>, {activeCount} active</span></>}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main className='app-main'>
        {phase === 'loading' && <p role='status'>Connecting to Ferry…</p>}
        {phase === 'failed' && (
          <div className='empty' role='alert'>
            <p className='empty-title'>Ferry’s state could not be loaded</p>
            {loadError !== null && <p>{messageFor(loadError)}</p>}
          </div>
        )}
        {phase === 'ready' && <View />}
      </main>
      <Notices />
    </div>
  )
}
