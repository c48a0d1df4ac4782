// `npm run e2e`: one real analytics service (this app's dist/ as its dashboard, no GeoIP database) and every
// e2e/*.test.mjs against it (scripts/e2e-service.mjs).
//
//   ANALYTICS_E2E_URL=… ANALYTICS_E2E_TOKEN=… npm run e2e   against a service that is already running
//   npm run e2e -- e2e/overview.test.mjs                   only some files
// Screenshots go to e2e/artifacts/ (ANALYTICS_E2E_ARTIFACTS overrides).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runE2e } from '../../../scripts/e2e-service.mjs'

const WEB = fileURLToPath(new URL('..', import.meta.url))

await runE2e({
  root: WEB,
  name: 'dash',
  settings: { ANALYTICS_GEOIP_DATABASE: '', Dashboard__Directory: join(WEB, 'dist') },
  readyMs: 90000,
  check: () => {
    if (!existsSync(join(WEB, 'dist/index.html'))) throw new Error('the app is not built: npm run build first')
  },
})
