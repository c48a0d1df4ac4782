// @vitest-environment happy-dom
import { render } from 'preact'
import { act } from 'preact/test-utils'
import { describe, expect, it } from 'vitest'
import { setLang } from '../src/i18n'
import { Fig, Pager } from '../src/views/crm/common'

function mount(node: preact.ComponentChild) {
  const root = document.createElement('div')
  document.body.append(root)
  act(() => render(node, root))
  return root
}

describe('the CRM views’ pieces', () => {
  it('pages with labelled buttons, disabled at the ends', () => {
    setLang('en')
    const pages: number[] = []
    const root = mount(<Pager page={1} total={120} size={50} label="Customers" onPage={(p) => pages.push(p)} />)
    expect(root.querySelector('nav')?.getAttribute('aria-label')).toBe('Customers')
    expect(root.textContent).toContain('Page 1 of 3')
    const [prev, next] = [...root.querySelectorAll('button')]
    expect(prev.disabled).toBe(true)
    act(() => next.click())
    expect(pages).toEqual([2])
  })

  it('draws no pager for one page', () => {
    expect(mount(<Pager page={1} total={3} size={50} label="x" onPage={() => {}} />).innerHTML).toBe('')
  })

  it('shows a figure formatted with its raw value for the tests, money with two decimals, German too', () => {
    setLang('en')
    const en = mount(<Fig name="revenue" value={1234.5} money />).querySelector('[data-fig]')!
    expect(en.getAttribute('data-value')).toBe('1234.5')
    expect(en.textContent).toBe('1,234.50')
    setLang('de')
    expect(mount(<Fig value={1234.5} money />).textContent).toBe('1.234,50')
    expect(mount(<Fig value={null} />).textContent).toBe('–')
    setLang('en')
  })
})
