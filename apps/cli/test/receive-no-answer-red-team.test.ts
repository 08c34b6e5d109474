// Red team: `ferry receive` without --yes when nobody can answer its question: stdin at its end (a service, a pipe
// that closed, `< /dev/null`). README: "asks before accepting each offer"; `--json` prints "one JSON object a line".
// An offer nobody can answer is declined at once, and the question never lands among the JSON lines.

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { FerryNode, generateIdentity } from '@ferry/p2p-core'

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const children: ChildProcess[] = []
const nodes: FerryNode[] = []
const dirs: string[] = []
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
  for (const node of nodes.splice(0)) await node.close()
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

describe('red team: ferry receive with nobody to answer', () => {
  it('declines an offer at once when stdin has ended, and keeps --json output to JSON lines', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ferry-rt-noanswer-'))
    dirs.push(root)
    const child = spawn(process.execPath, [MAIN, 'receive', '--json', '--host', '127.0.0.1', '--dir', join(root, 'in')], {
      env: { ...process.env, FERRY_CONFIG_DIR: join(root, 'config'), FERRY_NO_MDNS: '1', FERRY_NO_LOCALSEND: '1' },
      stdio: ['ignore', 'pipe', 'pipe'] // stdin: /dev/null, at its end from the start
    })
    children.push(child)
    const lines: string[] = []
    const listening = new Promise<{ port: number, peerId: string }>((resolve) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line)
        try {
          const event = JSON.parse(line) as { type: string, port: number, peerId: string }
          if (event.type === 'listening') resolve(event)
        } catch {
          // not JSON: asserted below
        }
      })
    })
    const { port, peerId } = await listening
    const sender = await FerryNode.create({ identity: await generateIdentity(), alias: 'stranger', listen: { host: '127.0.0.1', port: 0 } })
    nodes.push(sender)
    const file = join(root, 'a.txt')
    await writeFile(file, 'abc')
    // Before: the question waited for a line that could never come, and so did the sender, up to answerTimeoutMs.
    const sent = sender.send({ address: { host: '127.0.0.1', port }, peerId, paths: [file], reconnect: false })
    const outcome = await Promise.race([
      sent.then(() => 'accepted', (err: { code?: string }) => err.code ?? 'failed'),
      new Promise<string>((resolve) => setTimeout(() => { resolve('no answer within 10 s') }, 10_000))
    ])
    expect(outcome).toBe('FERRY_ERR_PEER_DECLINED')
    expect(lines.every((line) => { try { JSON.parse(line); return true } catch { return false } })).toBe(true)
  })
})
