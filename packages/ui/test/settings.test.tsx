// @vitest-environment jsdom
// Settings: the form shows what the engine has, saves only what changed, and explains refusals in words.

import { act, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fakeSettings } from '@ferry/api/testing'
import { SettingsScreen } from '../src/screens/SettingsScreen.tsx'
import { renderFerry, useFerryCleanup } from './helpers/render-ferry.tsx'

useFerryCleanup()

describe('the settings screen', () => {
  it('shows the saved settings', async () => {
    await renderFerry(<SettingsScreen />, { settings: fakeSettings({ alias: 'Studio', port: 41234, autoAcceptTrusted: true }) })
    expect(screen.getByRole('textbox', { name: 'Device name' })).toHaveProperty('value', 'Studio')
    expect(screen.getByRole('textbox', { name: 'Download folder' })).toHaveProperty('value', '/home/user/Downloads/Ferry')
    expect(screen.getByRole('checkbox', { name: /from trusted devices/ })).toHaveProperty('checked', true)
    expect(screen.getByRole('spinbutton', { name: 'Port' })).toHaveProperty('value', '41234')
    expect(screen.getByRole('spinbutton', { name: 'Files in flight' })).toHaveProperty('value', '4')
  })

  it('saves only the changed settings and says so', async () => {
    const { fake, user } = await renderFerry(<SettingsScreen />)
    const alias = screen.getByRole('textbox', { name: 'Device name' })
    await user.clear(alias)
    await user.type(alias, 'Studio')
    await user.click(screen.getByRole('checkbox', { name: /from trusted devices/ }))
    const port = screen.getByRole('spinbutton', { name: 'Port' })
    await user.clear(port)
    await user.type(port, '41234')
    await user.click(screen.getByRole('button', { name: 'Save' }))
    expect(fake.callsTo('updateSettings')).toEqual([[{ alias: 'Studio', autoAcceptTrusted: true, port: 41234 }]])
    expect(screen.getByRole('status').textContent).toBe('Settings saved.')
    expect(screen.getByRole('button', { name: 'Save' })).toHaveProperty('disabled', true)
  })

  it('picks the download folder with the host’s dialog', async () => {
    const { fake, user } = await renderFerry(<SettingsScreen />)
    fake.pickFolderResult = '/data/incoming'
    await user.click(screen.getByRole('button', { name: 'Choose…' }))
    expect(screen.getByRole('textbox', { name: 'Download folder' })).toHaveProperty('value', '/data/incoming')
    await user.click(screen.getByRole('button', { name: 'Save' }))
    expect(fake.callsTo('updateSettings')).toEqual([[{ downloadDir: '/data/incoming' }]])
  })

  it('refuses an impossible port before asking the engine', async () => {
    const { fake, user } = await renderFerry(<SettingsScreen />)
    const port = screen.getByRole('spinbutton', { name: 'Port' })
    await user.clear(port)
    await user.type(port, '70000')
    await user.click(screen.getByRole('button', { name: 'Save' }))
    expect(screen.getByRole('alert').textContent).toMatch(/0 to 65535/)
    expect(fake.callsTo('updateSettings')).toEqual([])
  })

  it('explains the engine’s refusal in words', async () => {
    const { fake, user } = await renderFerry(<SettingsScreen />)
    fake.failNext('updateSettings', { name: 'FerryError', code: 'FERRY_ERR_API_INVALID_ARGUMENT', message: 'port in use' })
    await user.type(screen.getByRole('textbox', { name: 'Device name' }), ' 2')
    await user.click(screen.getByRole('button', { name: 'Save' }))
    expect(screen.getByRole('alert').textContent).toMatch(/value was missing or out of range/)
  })

  it('takes settings changed elsewhere while the form is untouched', async () => {
    const { fake } = await renderFerry(<SettingsScreen />)
    await act(async () => { await fake.updateSettings({ alias: 'Renamed by the CLI' }) })
    expect(screen.getByRole('textbox', { name: 'Device name' })).toHaveProperty('value', 'Renamed by the CLI')
  })
})

describe('the settings form’s problems (issue 15)', () => {
  it('shows every problem at once, each under its field, before asking the engine', async () => {
    const { fake, user } = await renderFerry(<SettingsScreen />)
    await user.clear(screen.getByRole('textbox', { name: 'Device name' }))
    const port = screen.getByRole('spinbutton', { name: 'Port' })
    await user.clear(port)
    await user.type(port, '70000')
    const inFlight = screen.getByRole('spinbutton', { name: 'Files in flight' })
    await user.clear(inFlight)
    await user.type(inFlight, '0')
    await user.click(screen.getByRole('button', { name: 'Save' }))
    expect(fake.callsTo('updateSettings')).toEqual([])
    const summary = screen.getByRole('alert')
    expect(summary.textContent).toMatch(/^3 things to fix before saving:/)
    expect(screen.getByRole('textbox', { name: 'Device name' }).getAttribute('aria-invalid')).toBe('true')
    expect(screen.getByRole('spinbutton', { name: 'Port' }).getAttribute('aria-invalid')).toBe('true')
    expect(screen.getByRole('spinbutton', { name: 'Files in flight' }).getAttribute('aria-invalid')).toBe('true')
    await user.type(screen.getByRole('textbox', { name: 'Device name' }), 'Studio')
    expect(screen.getByRole('alert').textContent).toMatch(/^2 things to fix/)
    expect(screen.getByRole('textbox', { name: 'Device name' }).getAttribute('aria-invalid')).toBeNull()
  })
})
