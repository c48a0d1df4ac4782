// After `vite build`: the gzipped size of the first load (index.html and every file it loads: the entry script,
// its static imports and its CSS), checked against the budget of issue 20. Chunks loaded with import() (ECharts)
// are listed apart: they are not part of the first load.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET = 300 * 1024
const dist = new URL('../dist/', import.meta.url).pathname
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length
const html = readFileSync(join(dist, 'index.html'), 'utf8')
const referenced = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+)"/g)].map((m) => m[1])
// Static imports of the entry are in the HTML as modulepreload links (vite adds them); follow them to be sure.
const first = new Set(referenced)
const queue = referenced.filter((f) => f.endsWith('.js'))
while (queue.length) {
  const file = queue.pop()
  const code = readFileSync(join(dist, file), 'utf8')
  for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["']\.\/([^"']+)["']/g)) {
    const dep = 'assets/' + m[1]
    if (!first.has(dep)) first.add(dep), queue.push(dep)
  }
}
const total = gz('index.html') + [...first].reduce((s, f) => s + gz(f), 0)
const lazy = readdirSync(join(dist, 'assets')).map((f) => 'assets/' + f).filter((f) => !first.has(f))
const kb = (n) => (n / 1024).toFixed(1) + ' KB'
console.log(`first load: ${kb(total)} gzipped (budget ${kb(BUDGET)}): index.html, ${[...first].join(', ')}`)
for (const f of lazy) console.log(`  on demand: ${f} ${kb(gz(f))} gzipped`)
if (total > BUDGET) {
  console.error(`first load over budget: ${kb(total)} > ${kb(BUDGET)}`)
  process.exit(1)
}
