import { describeFerryApiCompliance } from '@ferry/api/compliance'
import { complianceHarness } from './helpers.ts'

describeFerryApiCompliance('the service, called directly', async () => await complianceHarness(false))
describeFerryApiCompliance('the service through the WebSocket bridge', async () => await complianceHarness(true))
