// Builds dist/t.js and dist/t-banner.js, prints their gzipped sizes and fails over the budget.
// esbuild bundles and minifies; terser then squeezes what esbuild leaves (about 70 B gzipped of t.js).
import { build } from 'esbuild'
import { readFileSync, writeFileSync } from 'node:fs'
import { minify } from 'terser'
import { gzipSync } from 'node:zlib'

const BUDGET = { 't.js': 2500 }
const entries = { 't.js': 'src/index.js', 't-banner.js': 'src/banner/index.js' }

let over = false
for (const [out, entry] of Object.entries(entries)) {
  await build({
    entryPoints: [entry],
    outfile: 'dist/' + out,
    bundle: true,
    minify: true,
    mangleProps: /[a-z]_$/,
    format: 'iife',
    target: 'es2020',
    legalComments: 'none',
    logLevel: 'warning',
  })
  const { code } = await minify(readFileSync('dist/' + out, 'utf8'), { ecma: 2020, compress: { passes: 2 }, mangle: true })
  writeFileSync('dist/' + out, code)
  const gz = gzipSync(code, { level: 9 }).length
  const budget = BUDGET[out]
  const verdict = budget ? (gz <= budget ? `within the ${budget} B budget` : `OVER the ${budget} B budget`) : 'no budget'
  console.log(`dist/${out}: ${code.length} B, ${gz} B gzipped (${verdict})`)
  if (budget && gz > budget) over = true
}
if (over) {
  console.error('build failed: the core tracker exceeds its size budget')
  process.exit(1)
}
