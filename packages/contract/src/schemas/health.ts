/** GET /health: whether this node reaches its store, and which kind of store it is. */
export const healthSchema = {
  type: 'object',
  properties: { status: { type: 'string' }, database: { type: 'string' } },
  required: ['status', 'database'],
} as const;
