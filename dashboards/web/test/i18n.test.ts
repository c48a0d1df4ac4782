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
