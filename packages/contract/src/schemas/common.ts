import { idPattern } from '../ids.js';

export const idSchema = { type: 'string', pattern: idPattern } as const;
export const dateTimeSchema = { type: 'string', format: 'date-time' } as const;

/** Query parameters the official Losant clients always send; accepted and ignored. */
export const losantClientQuery = {
  _actions: { type: 'boolean' },
  _links: { type: 'boolean' },
  _embedded: { type: 'boolean' },
} as const;

/** Paging parameters of every list (each adds its own sortField and filterField). */
export const pagingQuery = {
  sortDirection: { type: 'string', enum: ['asc', 'desc', 'ASC', 'DESC'], default: 'asc' },
  page: { type: 'integer', minimum: 0, maximum: 1_000_000_000, default: 0 },
  perPage: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  filter: { type: 'string', maxLength: 255 },
  ...losantClientQuery,
} as const;

/** Query schema of actions that take no query parameters of their own. */
export const losantClientQuerySchema = {
  type: 'object',
  properties: losantClientQuery,
  additionalProperties: false,
} as const;
