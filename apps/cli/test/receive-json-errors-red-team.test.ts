// Red team: `ferry receive --json` runs accepted transfers side by side, and every event of a transfer (offer,
// progress, received, declined) names it by `transferId`. A failed transfer's `error` line must too, or a script
// reading the lines cannot tell which of two transfers failed. The failing sender is written by hand from
// docs/protocol.md: it offers one file, then cancels once it is accepted.

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { PROTOCOL_ID, createQuicTransport, generateIdentity, type Transport } from '@ferry/p2p-core'

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))
let child: ChildProcess | undefined
let sender: Transport | undefined
let root: string | undefined
afterEach(async () => {
  child?.kill('SIGKILL')
  await sender?.close()
  if (root !== undefined) await rm(root, { recursive: true, force: true })
  child = undefined
  sender = undefined
  root = undefined
})

function frame (body: object): Uint8Array {
  const json = Buffer.from(JSON.stringify(body), 'utf8')
  const out = Buffer.alloc(4 + json.length)
  out.writeUInt32BE(json.length, 0)
  json.copy(out, 4)
  return out
}

describe('red team: ferry receive --json names the transfer that failed', () => {
  it('gives a failed transfer\'s error line its transferId', async () => {
    root = await mkdtemp(join(tmpdir(), 'ferry-rt-jsonerr-'))
    child = spawn(process.execPath, [MAIN, 'receive', '--json', '--yes', '--host', '127.0.0.1', '--dir', join(root, 'in')], {
      env: { ...process.env, FERRY_CONFIG_DIR: join(root, 'config'), FERRY_NO_MDNS: '1', FERRY_NO_LOCALSEND: '1' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const events: Array<{ type: string } & Record<string, unknown>> = []
    let onEvent = (): void => {}
    createInterface({ input: child.stdout! }).on('line', (line) => {
      events.push(JSON.parse(line) as { type: string } & Record<string, unknown>)
      onEvent()
    })
    const until = async (type: string): Promise<{ type: string } & Record<string, unknown>> => await new Promise((resolve) => {
      const look = (): void => { const found = events.find((e) => e.type === type); if (found !== undefined) resolve(found) }
      onEvent = look
      look()
    })
    const listening = await until('listening') as unknown as { port: number, peerId: string }
    sender = await createQuicTransport({ identity: await generateIdentity() })
    const connection = await sender.dial({ host: '127.0.0.1', port: listening.port }, { expectedPeerId: listening.peerId })
    const control = await connection.openStream()
    const transferId = 'redteam-json-error'
    await control.write(frame({ type: 'hello', protocol: PROTOCOL_ID, transferId, alias: 'rt-canceller' }))
    await control.write(frame({ type: 'offer', fileCount: 1, totalBytes: 3 }))
    await control.write(frame({ type: 'offer-files', files: [{ id: 0, path: 'a.txt', size: 3, mtimeMs: 0 }] }))
    expect(await control.read(65_536)).not.toBeNull() // the answer (accepted: --yes)
    await control.write(frame({ type: 'cancel', reason: 'red team' }))
    const error = await until('error')
    expect(error).toMatchObject({ transferId, code: 'FERRY_ERR_CANCELLED' })
    connection.close()
  })
})
