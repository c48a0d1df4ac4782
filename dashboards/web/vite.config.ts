import { defineConfig } from 'vitest/config'

// The service serves dist/ at / (src/Analytics.Api/Dashboard): hashed files under /assets/ are cached for a year.
// `npm run dev` proxies the API to a service started by ./run.sh.
export default defineConfig({
  // JSX: Preact's automatic runtime (tsconfig's jsxImportSource).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { target: 'es2022', assetsDir: 'assets', sourcemap: false, chunkSizeWarningLimit: 600 }, // ECharts' chunk loads on demand
  server: {
    proxy: {
      '/api': process.env.ANALYTICS_URL || 'http://127.0.0.1:5080',
      '/auth': process.env.ANALYTICS_URL || 'http://127.0.0.1:5080',
    },
  },
  test: { environment: 'node', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'] },
})
