// Which clicks are outbound links, downloads or marked custom events.

export const DOWNLOAD =
  /\.(pdf|zip|rar|[7g]z|docx?|xlsx?|pptx?|od[ts]|csv|txt|rtf|dmg|exe|msi|pkg|apk|iso|mp[34]|wav|mov|avi|webm|epub)$/i

// a: an <a> element (resolved href parts); host: the page's host.
// Answers 'download', 'outbound' (another host, http or https) or false.
export const linkType = (a, host) =>
  /^https?:$/.test(a.protocol) && (a.hasAttribute('download') || DOWNLOAD.test(a.pathname) ? 'download' : a.host != host && 'outbound')

// The url of a link event loses query and fragment: signed links and tokens stay out of the data.
export const linkUrl = (a) => a.origin + a.pathname

// A `custom` event of an element marked data-analytics-event="name", props from data-analytics-prop-*.
export const markedEvent = (el) => {
  const props = {}
  for (const a of el.attributes) if (!a.name.indexOf('data-analytics-prop-')) props[a.name.slice(20)] = a.value
  return { type: 'custom', name: el.getAttribute('data-analytics-event'), props }
}
