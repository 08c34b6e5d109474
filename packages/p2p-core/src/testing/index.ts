// @ferry/p2p-core/testing: test doubles for the engine, for p2p-core's own tests and the apps' (never used at run time).

export { faultyTransport, type Faults, type FaultStats } from './faulty-transport.ts'
