// @vitest-environment happy-dom
import { render } from 'preact'
import { act } from 'preact/test-utils'
import { describe, expect, it } from 'vitest'
import { setLang } from '../src/i18n'
import { parseState, serializeState, type ViewState } from '../src/state'
import { FilterBar } from '../src/views/FilterBar'

/** Renders the filter bar for a URL and answers the URL of each change it makes. */
function mount(search: string) {
  const changes: string[] = []
  const root = document.createElement('div')
  document.body.append(root)
  act(() => render(<FilterBar state={parseState(search)} onChange={(s: ViewState) => changes.push(serializeState(s))} />, root))
  return { root, changes }
}

describe('FilterBar', () => {
  it('shows each filter of the URL with a labelled remove button', () => {
    setLang('en')
    const { root, changes } = mount('?site=demo&filter=country:is:DE&filter=page:contains:/shoes')
    const chips = [...root.querySelectorAll('.chip')]
    expect(chips.map((c) => c.textContent?.replace('×', '').trim())).toEqual(['country is DE', 'page contains /shoes'])
    const remove = chips[0].querySelector('button')!
    expect(remove.getAttribute('aria-label')).toBe('Remove filter: country is DE')
    act(() => remove.click())
    expect(changes).toEqual(['?site=demo&filter=page:contains:/shoes'])
  })

  it('adds a filter from its labelled form', () => {
    setLang('en')
    const { root, changes } = mount('?site=demo')
    const form = root.querySelector('form')!
    const select = (label: string) => [...form.querySelectorAll('label')].find((l) => l.textContent?.startsWith(label))!.querySelector('select, input') as HTMLSelectElement | HTMLInputElement
    act(() => {
      select('Dimension').value = 'device'
      select('Dimension').dispatchEvent(new Event('change'))
      select('Operator').value = 'in'
      select('Operator').dispatchEvent(new Event('change'))
      select('Value').value = ' mobile|tablet '
      select('Value').dispatchEvent(new Event('input'))
    })
    act(() => {
      form.dispatchEvent(new Event('submit', { cancelable: true }))
    })
    expect(changes).toEqual(['?site=demo&filter=device:in:mobile|tablet'])
  })

  it('speaks German when asked', () => {
    setLang('de')
    const { root } = mount('?site=demo&filter=country:is_not:DE&filter=device:is:mobile')
    expect(root.querySelector('summary')!.textContent).toBe('Filter hinzufügen')
    expect(root.querySelector('.chip')!.textContent).toContain('ist nicht')
    expect(root.textContent).toContain('Alle entfernen')
    setLang('en')
  })
})
