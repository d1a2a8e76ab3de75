/**
 * GET /health: whether this node reaches its store, and which kind of store it is;
 * where rate limits are counted and whether that store answers. `status` is
 * 'degraded' (still 200) while the rate limit store is unreachable: the node serves,
 * answering rate limits by its on-error setting, and every node shares that store,
 * so taking this one out of rotation would help no one.
 */
export const healthSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    database: { type: 'string' },
    ratelimits: {
      type: 'object',
      properties: { store: { type: 'string', enum: ['memory', 'redis'] }, reachable: { type: 'boolean' } },
      required: ['store', 'reachable'],
    },
  },
  required: ['status', 'database', 'ratelimits'],
} as const;
