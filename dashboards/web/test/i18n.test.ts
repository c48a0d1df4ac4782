import { describe, expect, it } from 'vitest'
import { formatDuration, initialLang, t } from '../src/i18n'

describe('language', () => {
  it('follows the browser, unless the user chose', () => {
    expect(initialLang(null, ['de-DE', 'en'])).toBe('de')
    expect(initialLang(null, ['fr-FR', 'en-GB'])).toBe('en')
    expect(initialLang(null, ['fr'])).toBe('en')
    expect(initialLang('en', ['de-DE'])).toBe('en')
    expect(initialLang('xx', ['de-AT'])).toBe('de')
  })

  it('has every English text in German too', () => {
    expect(t('visitors', 'de')).toBe('Besucher')
    expect(t('signIn', 'en')).toBe('Sign in')
  })

  it('shows durations short', () => {
    expect(formatDuration(42.4)).toBe('42s')
    expect(formatDuration(412.5)).toBe('6m 53s')
    expect(formatDuration(3725)).toBe('1h 2m')
  })
})

describe('dates', () => {
  it("are shown in the site's zone and the app's language", async () => {
    const { formatDate } = await import('../src/i18n')
    // 23:30 UTC on 29 March is already 30 March in Berlin.
    expect(formatDate('2026-03-29T23:30:00Z', 'Europe/Berlin', { dateStyle: 'medium' }, 'en')).toBe('Mar 30, 2026')
    expect(formatDate('2026-03-29T23:30:00Z', 'UTC', { dateStyle: 'medium' }, 'de')).toBe('29.03.2026')
    expect(formatDate('2026-03-29T23:30:00Z', 'Not/AZone', { dateStyle: 'medium' }, 'en')).toMatch(/2026/)
  })
})
