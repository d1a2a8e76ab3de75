// POST /introspect (RFC 7662 shape). See server routes/introspect.ts.
import type { FromSchema } from 'json-schema-to-ts';
import { idSchema } from './common.js';
import { roles } from '../role-names.js';

export const introspectionRequestSchema = {
  type: 'object',
  properties: {
    token: { type: 'string', maxLength: 1024 },
    token_type_hint: { type: 'string', maxLength: 64 },
    /** latchkey: also report whether the token reaches this application. */
    application_id: idSchema,
    /** latchkey: the caller's client address; a token with allowedCidrs is inactive unless it lies inside them. */
    ip: { type: 'string', minLength: 2, maxLength: 45 },
  },
  required: ['token'],
  additionalProperties: false,
} as const;
export type IntrospectionRequest = FromSchema<typeof introspectionRequestSchema>;

export const introspectionSchema = {
  type: 'object',
  properties: {
    active: { type: 'boolean' },
    scope: { type: 'string' },
    token_type: { type: 'string', enum: ['application', 'user'] },
    sub: idSchema,
    iat: { type: 'integer' },
    exp: { type: 'integer' },
    application_id: idSchema,
    user_id: idSchema,
    /** latchkey: true for a secret a rotation replaced, in its grace period (`exp` is then when it ends). */
    deprecated: { type: 'boolean' },
    application: {
      type: 'object',
      properties: {
        id: idSchema,
        reachable: { type: 'boolean' },
        owner_type: { type: 'string', enum: ['user', 'organization'] },
        role: { type: 'string', enum: roles },
      },
      required: ['id', 'reachable'],
    },
  },
  required: ['active'],
} as const;
export type Introspection = FromSchema<typeof introspectionSchema>;
