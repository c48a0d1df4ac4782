// @vitest-environment happy-dom
import { render } from 'preact'
import { act } from 'preact/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { api } from '../src/api'
import { setLang } from '../src/i18n'
import { randomSecret, splitList } from '../src/views/admin/form'
import { System } from '../src/views/admin/System'

describe('the admin forms', () => {
  it('splits lists typed with commas, spaces or lines', () => {
    expect(splitList(' a.example, b.example\nc.example ;d.example ')).toEqual(['a.example', 'b.example', 'c.example', 'd.example'])
    expect(splitList('  ')).toEqual([])
  })

  it('makes an identify secret of 43 printable characters, as the API takes (16–256)', () => {
    const s = randomSecret()
    expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(randomSecret()).not.toBe(s)
    expect(randomSecret(3, (a) => a.fill(255))).toBe('____')
  })
})

const info = (geoip: object) => ({ version: '1.0.0.0', engine: 'embedded', database: 'analytics', geoip })

async function mountSystem(answer: object) {
  setLang('en')
  vi.spyOn(api, 'get').mockResolvedValue(answer)
  const root = document.createElement('div')
  document.body.append(root)
  await act(async () => render(<System />, root))
  await act(async () => {})
  return root
}

describe('the system page', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    document.body.innerHTML = ''
  })

  it('shows the DB-IP attribution with its link while DB-IP Lite is in use, as /api/info reports it', async () => {
    const root = await mountSystem(info({ configured: true, database_type: 'DBIP-City-Lite', attribution: 'IP Geolocation by DB-IP (https://db-ip.com), CC BY 4.0', attribution_url: 'https://db-ip.com' }))
    const a = root.querySelector('[data-field="attribution"] a') as HTMLAnchorElement
    expect(a.textContent).toBe('IP Geolocation by DB-IP (https://db-ip.com), CC BY 4.0')
    expect(a.getAttribute('href')).toBe('https://db-ip.com')
    expect(root.querySelector('[data-field="geoip_type"]')?.textContent).toBe('DBIP-City-Lite')
    expect(root.querySelector('[data-field="engine"]')?.textContent).toBe('embedded')
  })

  it('shows no attribution for another database, and says when none is configured', async () => {
    let root = await mountSystem(info({ configured: true, database_type: 'GeoLite2-City', attribution: null, attribution_url: null }))
    expect(root.querySelector('[data-field="attribution"]')).toBeNull()
    document.body.innerHTML = ''
    vi.restoreAllMocks()
    root = await mountSystem(info({ configured: false, database_type: null, attribution: null, attribution_url: null }))
    expect(root.querySelector('[data-field="geoip_configured"]')?.getAttribute('data-value')).toBe('false')
    expect(root.querySelector('[data-field="attribution"]')).toBeNull()
  })
})
