// Sent with every response. A JSON API needs few of helmet's page-oriented headers;
// these are the ones that matter for it (and the pages we serve set their own
// Content-Security-Policy where they need a looser one).
export const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  // Responses may carry a token (the 201 of a create): never store them.
  'cache-control': 'no-store',
};

/** The same headers as a flat name, value, ... list, for bare node responses. */
export const securityHeaderList: readonly string[] = Object.entries(securityHeaders).flat();
