// `npm run e2e`: one real analytics service (the demo site, this tracker-js as its tracker) and every e2e/*.test.mjs
// against it (scripts/e2e-service.mjs).
//
//   ANALYTICS_E2E_STUB=1 npm run e2e                  against the stub instead (quick, no .NET)
//   ANALYTICS_E2E_URL=… ANALYTICS_E2E_TOKEN=… npm run e2e   against a service that is already running
//   npm run e2e -- e2e/forms.test.mjs                 only some files
import { fileURLToPath } from 'node:url'
import { runE2e } from '../../scripts/e2e-service.mjs'

const TRACKER = fileURLToPath(new URL('..', import.meta.url))

await runE2e({
  root: TRACKER,
  name: 'tracker',
  settings: { Sites__CreateDemoSite: 'true', Tracker__Directory: TRACKER },
  env: () => {
    if (process.env.ANALYTICS_E2E_STUB != '1') return null
    console.log('# against the stub (ANALYTICS_E2E_STUB=1)')
    return { ANALYTICS_E2E_URL: '', ANALYTICS_E2E_TOKEN: '' }
  },
})
