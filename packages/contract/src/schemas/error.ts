import type { FromSchema } from 'json-schema-to-ts';

export const errorTypes = {
  Validation: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  PayloadTooLarge: 413,
  TooManyRequests: 429,
  Internal: 500,
  Unavailable: 503,
} as const;
export type ErrorType = keyof typeof errorTypes;

export const errorSchema = {
  $id: 'latchkey/error',
  type: 'object',
  properties: {
    type: { type: 'string' },
    message: { type: 'string' },
  },
  required: ['type', 'message'],
  additionalProperties: false,
} as const;
export type ErrorBody = FromSchema<typeof errorSchema>;

export const successSchema = {
  type: 'object',
  properties: { success: { type: 'boolean', enum: [true] } },
  required: ['success'],
} as const;
export type Success = FromSchema<typeof successSchema>;
