import { idPattern } from '../ids.js';

export const idSchema = { type: 'string', pattern: idPattern } as const;
export const dateTimeSchema = { type: 'string', format: 'date-time' } as const;

/** Query parameters the official Losant clients always send; accepted and ignored. */
export const losantClientQuery = {
  _actions: { type: 'boolean' },
  _links: { type: 'boolean' },
  _embedded: { type: 'boolean' },
} as const;

/** Query schema of actions that take no query parameters of their own. */
export const losantClientQuerySchema = {
  type: 'object',
  properties: losantClientQuery,
  additionalProperties: false,
} as const;
