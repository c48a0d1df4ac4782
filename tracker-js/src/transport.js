// Delivery: batches, sendBeacon when the page is hidden, fetch keepalive otherwise,
// retries with backoff when offline or on 429/5xx (Retry-After respected).

export const MAX_ATTEMPTS = 6

// attempt: 0 for the first retry; retryAfter: the header (seconds), if the server sent one.
export const retryDelay = (attempt, retryAfter) =>
  retryAfter && retryAfter >= 0 ? retryAfter * 1e3 : Math.min(1e3 * 2 ** attempt, 6e4)

// Sends a body (a JSON string, so text/plain: no CORS preflight) to url, retrying.
export const createSender = (w) => {
  const send = (url, body, hidden, attempt = 0) => {
    const retry = (retryAfter) =>
      attempt < MAX_ATTEMPTS && w.setTimeout(() => send(url, body, 0, attempt + 1), retryDelay(attempt, retryAfter))
    if (!(hidden && w.navigator.sendBeacon?.(url, body)))
      w.fetch(url, { method: 'POST', body, keepalive: true }).then(
        (r) => (r.status == 429 || r.status >= 500) && retry(r.headers.get('Retry-After')),
        retry, // offline: the error is no number of seconds, so the backoff applies
      )
  }
  return send
}

// Collects events and hands batches to flush(events, hidden) after `delay` ms or at `max` events.
export const createBatch = (w, flush, delay, max) => {
  const events = []
  let timer
  const now = (hidden) => {
    w.clearTimeout(timer)
    timer = 0
    if (events[0]) flush(events.splice(0), hidden)
  }
  return {
    push: (e) => (events.push(e) < max ? (timer = timer || w.setTimeout(now, delay)) : now()),
    now,
  }
}
