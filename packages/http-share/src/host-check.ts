// DNS-rebinding defence: a page on some other site can make a browser resolve its own name to this computer's
// address, but the browser still sends that name in the Host header. Only this computer's own addresses (and names
// the app adds, such as its mDNS name) are answered; everything else gets 421.

import { localAddresses } from './addresses.ts'

export interface HostCheckOptions {
  /** The port the server listens on; a Host header naming another port is refused. */
  port: number
  /** Extra host names to accept besides this computer's addresses and `localhost`. */
  allowedHosts?: readonly string[]
}

/** Returns a predicate over Host header values. */
export function createHostCheck (options: HostCheckOptions): (host: string | undefined) => boolean {
  const extra = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()))
  return (header) => {
    const parsed = parseHostHeader(header)
    if (parsed === null) return false
    if (parsed.port !== options.port) return false
    if (parsed.host === 'localhost' || extra.has(parsed.host)) return true
    return localAddresses().includes(parsed.host)
  }
}

/** `name:port`, `1.2.3.4:port` or `[v6]:port` into its parts; a missing port means 80. Null when malformed. */
export function parseHostHeader (header: string | undefined): { host: string, port: number } | null {
  if (header === undefined || header.length === 0 || header.length > 255) return null
  const value = header.toLowerCase()
  let host: string
  let portText: string | undefined
  if (value.startsWith('[')) {
    const close = value.indexOf(']')
    if (close < 0) return null
    host = value.slice(1, close)
    const rest = value.slice(close + 1)
    if (rest !== '' && !rest.startsWith(':')) return null
    portText = rest === '' ? undefined : rest.slice(1)
  } else {
    const parts = value.split(':')
    if (parts.length > 2) return null
    host = parts[0] ?? ''
    portText = parts[1]
  }
  if (host === '' || !/^[a-z0-9.:_-]+$/.test(host)) return null
  if (portText !== undefined && !/^[0-9]{1,5}$/.test(portText)) return null
  const port = portText === undefined ? 80 : Number(portText)
  return port > 65535 ? null : { host: host.replace(/\.$/, ''), port }
}
