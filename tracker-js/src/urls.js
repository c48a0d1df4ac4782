// What of a URL may leave the browser: no fragment, no parameter named like a secret (README: "URLs").
// The server enforces the same and more (the site's allow-list, external referrers as origin and path).

// A name containing one of these words (any case) looks like a secret: "mail" covers email, "pass" password.
// "[?&]name" keeps its separator, so "?email=x&id=3" becomes "?&id=3" (the server drops the empty pair).
const SECRET_PARAMETER = /#.*|([?&])[^=&#]*(mail|token|pass|key|secret|auth|code|session|sid)[^&#]*/gi

export const cleanUrl = (href) => href.replace(SECRET_PARAMETER, '$1')
