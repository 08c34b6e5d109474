import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { treeDigest } from './helpers/tree-digest.ts'
import { runFerry, type CliRun } from './helpers/cli-process.ts'

let dir: string
const children: CliRun[] = []
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ferry-cli-')) })
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

function ferry (args: string[], name: string): CliRun {
  const run = runFerry(args, { FERRY_CONFIG_DIR: join(dir, `config-${name}`) })
  children.push(run)
  return run
}

async function startReceiver (extra: string[] = ['--yes']): Promise<{ run: CliRun, address: string, out: string }> {
  const out = join(dir, 'received')
  const run = ferry(['receive', '--dir', out, '--host', '127.0.0.1', '--port', '0', '--once', '--json', ...extra], 'receiver')
  const listening = await run.waitFor('listening')
  return { run, address: listening.address as string, out }
}

describe('two ferry processes on 127.0.0.1', () => {
  it('move a folder with nested dirs, an empty file, unicode names and a 64 MiB file, every byte equal', async () => {
    const src = join(dir, 'Ferry folder')
    await mkdir(join(src, 'nested', 'déjà vu', '日本語'), { recursive: true })
    await writeFile(join(src, 'empty'), '')
    await writeFile(join(src, 'nested', 'déjà vu', '日本語', 'ファイル.txt'), 'こんにちは')
    await writeFile(join(src, 'nested', 'big.bin'), randomBytes(64 * 1024 * 1024))
    for (let i = 0; i < 20; i++) await writeFile(join(src, 'nested', `small-${i}.txt`), randomBytes(i * 100))

    const receiver = await startReceiver()
    const sender = ferry(['send', src, '--to', receiver.address, '--json'], 'sender')
    const [sent, received] = await Promise.all([sender.exited, receiver.run.exited])
    expect(sent.code, sent.stderr + sent.stdout).toBe(0)
    expect(received.code, received.stderr).toBe(0)
    expect(await treeDigest(join(receiver.out, 'Ferry folder'))).toEqual(await treeDigest(src))
    expect(sender.events.find((e) => e.type === 'done')).toMatchObject({ files: 23, bytes: 64 * 1024 * 1024 + 15 + 19 * 20 * 100 / 2 })
  })

  it('send 1,000 files in one offer with the sender\'s peak memory barely above an idle send', async () => {
    const src = join(dir, 'many')
    for (let d = 0; d < 10; d++) {
      await mkdir(join(src, `d${d}`), { recursive: true })
      for (let f = 0; f < 100; f++) await writeFile(join(src, `d${d}`, `f${f}.txt`), randomBytes(64 * 1024))
    }
    const sendAndStats = async (args: string[]): Promise<number> => {
      const receiver = await startReceiver()
      const sender = ferry(['send', ...args, '--to', receiver.address, '--json'], 'sender')
      const [sent] = await Promise.all([sender.exited, receiver.run.exited])
      expect(sent.code, sent.stderr + sent.stdout).toBe(0)
      return (sender.events.find((e) => e.type === 'stats')?.maxRssBytes as number)
    }
    const idle = await sendAndStats(['--text', 'hello'])
    await rm(join(dir, 'received'), { recursive: true, force: true })
    const many = await sendAndStats([src])
    expect(Object.keys(await treeDigest(join(dir, 'received', 'many')))).toHaveLength(1000)
    // 64 MiB of files; the sender holds a few pooled buffers, not the files, so its peak grows far less than that
    // (about 10 MB on a quiet machine; garbage collection lags under load, hence the margin).
    expect(many - idle).toBeLessThan(48 * 1024 * 1024)
  })

  it('exit non-zero with FERRY_ERR_PEER_DECLINED when the receiver says no', async () => {
    await writeFile(join(dir, 'a.txt'), 'a')
    const receiver = await startReceiver([])
    const sender = ferry(['send', join(dir, 'a.txt'), '--to', receiver.address], 'sender')
    await receiver.run.waitFor('offer')
    receiver.run.child.stdin?.end('n\n')
    const result = await sender.exited
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('FERRY_ERR_PEER_DECLINED')
    expect(await readdir(receiver.out).catch(() => [])).toEqual([])
  })

  it('refuse to send to an address whose device id is not the one given (FERRY_ERR_IDENTITY_MISMATCH)', async () => {
    await writeFile(join(dir, 'a.txt'), 'a')
    const receiver = await startReceiver()
    const [hostPort] = receiver.address.split('/')
    const someoneElse = '12D3KooWGkJZmzXXe9TfqMdF2Hpe8sH6Vbbvu3bLrkXSbRZ4mheE'
    const result = await ferry(['send', join(dir, 'a.txt'), '--to', `${hostPort}/${someoneElse}`], 'sender').exited
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('FERRY_ERR_IDENTITY_MISMATCH')
    expect(receiver.run.events.some((e) => e.type === 'offer')).toBe(false)
  })

  it('deliver a text message that the receiver prints', async () => {
    const receiver = await startReceiver()
    const result = await ferry(['send', '--text', 'the wifi password is hunter2', '--to', receiver.address], 'sender').exited
    expect(result.code, result.stderr).toBe(0)
    expect(await receiver.run.waitFor('offer')).toMatchObject({ text: 'the wifi password is hunter2', files: 0 })
  })

  it('exit non-zero with a clear message when nothing listens at the address', async () => {
    const result = await ferry(['send', '--text', 'x', '--to', '127.0.0.1:9'], 'sender').exited
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('FERRY_ERR_UNREACHABLE')
  })
})
