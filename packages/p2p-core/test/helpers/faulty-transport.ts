// The fault-injecting transport lives in src/testing (the apps' tests use it too); re-exported for p2p-core's tests.

export { faultyTransport, type Faults, type FaultStats } from '../../src/testing/index.ts'
