// @ferry/api/testing: an in-memory FerryApi and builders for its data, for tests and the UI's demo page. Production
// code may not import it (eslint.config.js; apps/cli/test/layers.test.ts proves the rule bites).

export { createFakeFerryApi, FakeFerryApi, type FakeCall, type FakeFerryInit } from './fake-ferry-api.ts'
export * from './fake-fixtures.ts'
