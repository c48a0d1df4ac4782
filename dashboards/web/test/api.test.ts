import { describe, expect, it } from 'vitest'
import { ApiError, createApi, toApiError } from '../src/api'

type Call = { url: string; init: RequestInit }

/** A fetch that answers from a table of handlers and records every call. */
function fakeFetch(handler: (url: string, init: RequestInit) => Response) {
  const calls: Call[] = []
  const f = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(input), init })
    return handler(String(input), init)
  }) as typeof fetch
  return { f, calls }
}

const json = (status: number, body: unknown, type = 'application/json') => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } })

describe('fetch layer', () => {
  it('reads with the cookie and no anti-forgery header', async () => {
    const { f, calls } = fakeFetch(() => json(200, { id: 'u1' }))
    expect(await createApi(f).get('/api/me')).toEqual({ id: 'u1' })
    expect(calls).toHaveLength(1)
    expect(calls[0].init.credentials).toBe('same-origin')
    expect(calls[0].init.method).toBe('GET')
  })

  it('sends the anti-forgery token on a state change, fetched once', async () => {
    const { f, calls } = fakeFetch((url) => (url === '/api/auth/csrf' ? json(200, { token: 'tok', header: 'X-CSRF-TOKEN' }) : new Response(null, { status: 204 })))
    const api = createApi(f)
    await api.send('POST', '/api/auth/signout')
    await api.send('DELETE', '/api/x')
    expect(calls.map((c) => c.url)).toEqual(['/api/auth/csrf', '/api/auth/signout', '/api/x'])
    expect((calls[1].init.headers as Record<string, string>)['X-CSRF-TOKEN']).toBe('tok')
    expect((calls[2].init.headers as Record<string, string>)['X-CSRF-TOKEN']).toBe('tok')
  })

  it('signs in without a token when nobody is signed in yet', async () => {
    const { f, calls } = fakeFetch((url) => (url === '/api/auth/csrf' ? new Response(null, { status: 401 }) : json(200, { name: 'A' })))
    expect(await createApi(f).send('POST', '/api/auth/signin', { login: 'a', password: 'b' })).toEqual({ name: 'A' })
    const headers = calls[1].init.headers as Record<string, string>
    expect(headers['X-CSRF-TOKEN']).toBeUndefined()
    expect(headers['Content-Type']).toBe('application/json')
    expect(JSON.parse(String(calls[1].init.body))).toEqual({ login: 'a', password: 'b' })
  })

  it('fetches a new token once when the old one is refused', async () => {
    let tokens = 0
    let posts = 0
    const { f } = fakeFetch((url) => {
      if (url === '/api/auth/csrf') return json(200, { token: 't' + ++tokens, header: 'X-CSRF-TOKEN' })
      return ++posts === 1 ? json(403, { title: 'Anti-forgery token missing or invalid' }, 'application/problem+json') : json(200, { ok: true })
    })
    expect(await createApi(f).send('PUT', '/api/x', {})).toEqual({ ok: true })
    expect(tokens).toBe(2)
  })

  it("turns problem+json into an error whose message is the problem's detail", async () => {
    const { f } = fakeFetch(() => json(404, { title: 'Unknown site', detail: "No site 'x' is yours." }, 'application/problem+json'))
    const error = (await createApi(f).get('/api/reports/overview?site=x').catch((e) => e)) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(404)
    expect(error.title).toBe('Unknown site')
    expect(error.message).toBe("No site 'x' is yours.")
  })

  it('reads both shapes of field errors', () => {
    const reports = toApiError(400, { title: 'Invalid report parameters', errors: [{ field: 'filter', message: "'colour' is not a dimension" }] })
    expect(reports.errors).toEqual([{ field: 'filter', message: "'colour' is not a dimension" }])
    expect(reports.message).toBe('Invalid report parameters')
    const validation = toApiError(400, { title: 'One or more validation errors occurred.', errors: { Name: ['Required.', 'Too short.'] } })
    expect(validation.errors).toEqual([
      { field: 'Name', message: 'Required.' },
      { field: 'Name', message: 'Too short.' },
    ])
    expect(toApiError(502, null, 'Bad Gateway').title).toBe('Bad Gateway')
  })
})

describe('signing in', () => {
  it('asks for no token first, and fetches one if a signed-in browser is refused', async () => {
    const { f, calls } = fakeFetch((url) => {
      if (url === '/api/auth/csrf') return json(200, { token: 'tok', header: 'X-CSRF-TOKEN' })
      const sent = (calls[calls.length - 1].init.headers as Record<string, string>)['X-CSRF-TOKEN']
      return sent ? json(200, { name: 'A' }) : json(403, { title: 'Anti-forgery token missing or invalid' }, 'application/problem+json')
    })
    const api = createApi(f)
    expect(await api.send('POST', '/api/auth/signin', {}, { anonymous: true })).toEqual({ name: 'A' })
    expect(calls.map((c) => c.url)).toEqual(['/api/auth/signin', '/api/auth/csrf', '/api/auth/signin'])
  })
})
