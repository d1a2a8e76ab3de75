// POST /revoke (RFC 7009): whoever holds a token may revoke it. See the server's
// routes/revoke.ts.
import type { FromSchema } from 'json-schema-to-ts';

/**
 * The request, as a form or JSON. Other parameters (an OAuth client's credentials,
 * say) are accepted and ignored, as RFC 7009 lets a server do; `token` is not
 * bounded here, since any string, however malformed, is answered 200.
 */
export const revocationRequestSchema = {
  type: 'object',
  properties: {
    token: { type: 'string' },
    /** Accepted and ignored: a latchkey token's prefix says what it is. */
    token_type_hint: { type: 'string', maxLength: 64 },
  },
  required: ['token'],
} as const;
export type RevocationRequest = FromSchema<typeof revocationRequestSchema>;
