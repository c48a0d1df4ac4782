// The demo shop's own code: a catalogue, a cart kept in the URL (the shop stores nothing
// in the browser either), and the tracker calls a real shop would make.
const PRODUCTS = [
  { id: 'trail-runner', name: 'Trail Runner', price: 89.9, hue: 14, text: 'A light trail shoe with a grippy sole, for wet roots and dry gravel alike.' },
  { id: 'city-walker', name: 'City Walker', price: 69.0, hue: 210, text: 'Soft leather, a cushioned heel and a sole that is quiet on stone floors.' },
  { id: 'alpine-boot', name: 'Alpine Boot', price: 149.0, hue: 140, text: 'Waterproof, ankle-high and resoleable: a boot for a decade of summits.' },
  { id: 'merino-socks', name: 'Merino Socks', price: 14.5, hue: 280, text: 'Three pairs of merino socks that stay warm when wet and fresh for days.' },
]
const CURRENCY = 'EUR'
const money = (n) => new Intl.NumberFormat(document.documentElement.lang || 'en', { style: 'currency', currency: CURRENCY }).format(n)
const params = new URLSearchParams(location.search)
const product = (id) => PRODUCTS.find((p) => p.id == id)

// The cart as "id:qty,id:qty" in the URL.
const readCart = () =>
  (params.get('cart') || '')
    .split(',')
    .map((s) => s.split(':'))
    .filter(([id, q]) => product(id) && +q > 0)
    .map(([id, q]) => ({ ...product(id), quantity: +q }))
const writeCart = (items) => items.map((i) => i.id + ':' + i.quantity).join(',')
const withCart = (href, items = readCart()) => (items.length ? href + (href.includes('?') ? '&' : '?') + 'cart=' + writeCart(items) : href)
const total = (items) => Math.round(items.reduce((s, i) => s + i.price * i.quantity, 0) * 100) / 100

const el = (html) => {
  const t = document.createElement('template')
  t.innerHTML = html.trim()
  return t.content.firstElementChild
}
const swatch = (p) => `<div class="swatch" style="--hue:${p.hue}" aria-hidden="true">${p.name[0]}</div>`

const pages = {
  list() {
    const grid = document.querySelector('#products')
    for (const p of PRODUCTS)
      grid.append(
        el(`<a class="card" href="${withCart('product.html?id=' + p.id)}">${swatch(p)}<h2>${p.name}</h2><p class="price">${money(p.price)}</p></a>`),
      )
  },
  product() {
    const p = product(params.get('id')) || PRODUCTS[0]
    document.title = p.name + ' · Demo Shop'
    document.querySelector('#product').append(
      el(`<div class="detail">${swatch(p)}<div><h1>${p.name}</h1><p class="price">${money(p.price)}</p><p>${p.text}</p>
        <form id="add-to-cart" data-analytics-form="add-to-cart"><label>Quantity <input name="quantity" type="number" min="1" max="9" value="1"></label>
        <button class="primary">Add to cart</button></form>
        <p><a href="size-guide.pdf" class="muted">Size guide (PDF)</a></p></div></div>`),
    )
    analytics('product_view', { id: p.id, name: p.name, price: p.price, currency: CURRENCY })
    document.querySelector('#add-to-cart').addEventListener('submit', (e) => {
      e.preventDefault()
      const quantity = +e.target.quantity.value || 1
      analytics('add_to_cart', { id: p.id, name: p.name, price: p.price, quantity, currency: CURRENCY })
      const items = readCart()
      const line = items.find((i) => i.id == p.id)
      if (line) line.quantity += quantity
      else items.push({ ...p, quantity })
      location.href = withCart('cart.html', items)
    })
  },
  cart() {
    const items = readCart()
    const body = document.querySelector('#cart')
    if (!items.length) return body.append(el('<p>Your cart is empty. <a href="index.html">Find something you like.</a></p>'))
    const rows = items.map((i) => `<tr><td>${i.name}</td><td>${i.quantity}</td><td>${money(i.price * i.quantity)}</td></tr>`).join('')
    body.append(
      el(`<div><table><thead><tr><th>Item</th><th>Qty</th><th>Sum</th></tr></thead><tbody>${rows}</tbody>
        <tfoot><tr><th colspan="2">Total</th><th>${money(total(items))}</th></tr></tfoot></table>
        <p><a class="button primary" id="to-checkout" href="${withCart('checkout.html', items)}">Checkout</a></p></div>`),
    )
  },
  checkout() {
    const items = readCart()
    document.querySelector('#summary').textContent = items.length ? `${items.length} item(s), ${money(total(items))}` : 'Your cart is empty.'
    document.querySelector('#login').addEventListener('submit', (e) => {
      e.preventDefault()
      // The shop's own customer number, never the e-mail address: the tracker needs no personal data.
      analytics('identify', 'C-1001')
      e.target.replaceWith(el('<p class="note" role="status">Welcome back! You are logged in as customer C-1001.</p>'))
    })
    document.querySelector('#newsletter').addEventListener('submit', (e) => {
      e.preventDefault()
      e.target.replaceWith(el('<p class="note" role="status">Thank you! Please confirm the e-mail we just sent.</p>'))
    })
    document.querySelector('#order').addEventListener('submit', (e) => {
      e.preventDefault()
      // Only the order number and the cart travel on; nothing typed into the form does.
      location.href = withCart('confirmation.html?order=O-' + Date.now().toString(36).toUpperCase(), items)
    })
  },
  confirmation() {
    const items = readCart()
    const order = params.get('order') || 'O-DEMO'
    document.querySelector('#order-id').textContent = order
    document.querySelector('#order-total').textContent = money(total(items))
    if (items.length)
      analytics('purchase', {
        order_id: order,
        revenue: total(items),
        currency: CURRENCY,
        items: items.map((i) => ({ id: i.id, name: i.name, price: i.price, quantity: i.quantity })),
      })
  },
}

// Links keep the cart; the footer reopens the consent banner.
document.querySelectorAll('a[data-keep-cart]').forEach((a) => (a.href = withCart(a.getAttribute('href'))))
const count = readCart().reduce((s, i) => s + i.quantity, 0)
document.querySelectorAll('[data-cart-count]').forEach((n) => (n.textContent = count))
document.querySelectorAll('[data-privacy-settings]').forEach((b) => b.addEventListener('click', () => analytics('consent-banner')))
pages[document.body.dataset.page]?.()
