// Writes the trust store in a tight loop until killed, for the crash test: every update changes one device's alias
// to a counter and adds a device, so a torn write would show as an unreadable file or a lost device.

import { TrustStore } from '../../src/trust/trust-store.ts'

const store = await TrustStore.open(process.argv[2] as string)
const base = '12D3KooWJBfA6L6Xj7XRHdEkvnHGUACi2HPvWqvzgzfKVt82f6s'
const touch = async (i: number): Promise<void> => { await store.touch(`${base}${'abcdefghijk'[i % 11] ?? 'a'}`, { alias: `writer ${i} ${'x'.repeat(2_000)}` }) }
// "ready" once the file exists: a kill before the first write would leave nothing to check (a loaded CI machine
// took longer than the test's random wait for that first write).
await touch(0)
process.stdout.write('ready\n')
for (let i = 1; ; i++) await touch(i)
