import { describeFerryApiCompliance } from './compliance/ferry-api-compliance.ts'
import { complianceHarness } from './helpers.ts'

describeFerryApiCompliance('the service, called directly', async () => await complianceHarness(false))
describeFerryApiCompliance('the service through the WebSocket bridge', async () => await complianceHarness(true))
