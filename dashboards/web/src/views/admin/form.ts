// Pure helpers of the admin forms: lists typed as text, a random identify secret, the browser's time zones.

/** "a.example, b.example\nc.example" → ["a.example", "b.example", "c.example"]: commas, spaces or lines, no empties. */
export const splitList = (text: string) => text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean)

/** A random identify secret: 32 random bytes as base64url (43 printable ASCII characters, the API takes 16–256). */
export function randomSecret(bytes = 32, random: (a: Uint8Array) => Uint8Array = (a) => crypto.getRandomValues(a)): string {
  const b = random(new Uint8Array(bytes))
  let s = ''
  for (const x of b) s += String.fromCharCode(x)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** The IANA zones this browser knows (for the time zone's suggestions); UTC at least. */
export function timeZones(): string[] {
  try {
    const zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? []
    return zones.includes('UTC') ? zones : ['UTC', ...zones]
  } catch {
    return ['UTC']
  }
}
