// Red team: `ferry receive` without --yes when nobody answers its question: stdin at its end (a service, a pipe
// that closed, `< /dev/null`), or a person away from the keyboard. README: "asks before accepting each offer";
// `--json` prints "one JSON object a line"; `ferry trust --auto-accept`: "offers from it are saved there without
// asking". An offer nobody can answer is declined at once, the question never lands among the JSON lines, and a
// trusted device's offer never waits behind a question.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
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

function startReceiver (root: string, args: string[], stdin: 'ignore' | 'pipe'): { child: ChildProcess, lines: string[], listening: Promise<{ port: number, peerId: string }> } {
  const child = spawn(process.execPath, [MAIN, 'receive', '--json', '--host', '127.0.0.1', ...args], {
    env: { ...process.env, FERRY_CONFIG_DIR: join(root, 'config'), FERRY_NO_MDNS: '1', FERRY_NO_LOCALSEND: '1' },
    stdio: [stdin, 'pipe', 'pipe']
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
        // not JSON: asserted where it matters
      }
    })
  })
  return { child, lines, listening }
}

async function outcomeWithin (sent: Promise<unknown>, ms: number): Promise<string> {
  return await Promise.race([
    sent.then(() => 'completed', (err: { code?: string }) => err.code ?? 'failed'),
    new Promise<string>((resolve) => setTimeout(() => { resolve(`no answer within ${ms / 1000} s`) }, ms))
  ])
}

describe('red team: ferry receive with nobody to answer', () => {
  it('saves a trusted auto-accept device\'s files while a question about another offer waits for its answer', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ferry-rt-noanswer-'))
    dirs.push(root)
    const file = join(root, 'a.txt')
    await writeFile(file, 'abc')
    const trusted = await FerryNode.create({ identity: await generateIdentity(), alias: 'rt-trusted', listen: { host: '127.0.0.1', port: 0 } })
    const stranger = await FerryNode.create({ identity: await generateIdentity(), alias: 'rt-stranger', listen: { host: '127.0.0.1', port: 0 } })
    nodes.push(trusted, stranger)
    // Meet the trusted device once, then trust it with auto-accept, as a user would.
    const first = startReceiver(root, ['--yes', '--once', '--dir', join(root, 'first')], 'ignore')
    const a = await first.listening
    await trusted.send({ address: { host: '127.0.0.1', port: a.port }, peerId: a.peerId, paths: [file], reconnect: false })
    await new Promise((resolve) => first.child.once('exit', resolve))
    execFileSync(process.execPath, [MAIN, 'trust', trusted.peerId, '--auto-accept', '--dir', join(root, 'inbox')], {
      env: { ...process.env, FERRY_CONFIG_DIR: join(root, 'config'), FERRY_NO_MDNS: '1', FERRY_NO_LOCALSEND: '1' }
    })
    // stdin a pipe kept open with nothing typed: a person who has not answered yet.
    const receiver = startReceiver(root, ['--dir', join(root, 'in')], 'pipe')
    const { port, peerId } = await receiver.listening
    const asked = stranger.send({ address: { host: '127.0.0.1', port }, peerId, paths: [file], reconnect: false })
    asked.catch(() => {})
    await new Promise((resolve) => setTimeout(resolve, 500))
    // Before: the trusted offer waited behind the stranger's question, up to answerTimeoutMs.
    const sent = trusted.send({ address: { host: '127.0.0.1', port }, peerId, paths: [file], reconnect: false })
    expect(await outcomeWithin(sent, 10_000)).toBe('completed')
  })

  it('declines an offer at once when stdin has ended, and keeps --json output to JSON lines', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ferry-rt-noanswer-'))
    dirs.push(root)
    // stdin: /dev/null, at its end from the start
    const { lines, listening } = startReceiver(root, ['--dir', join(root, 'in')], 'ignore')
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
