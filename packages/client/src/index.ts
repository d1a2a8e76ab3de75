// @latchkey/client: a typed SDK over native fetch, shaped like losant-rest.
export * from './client.js';
export * from './errors.js';
export * from './options.js';
export type * from './params.js';
export type * from './resources/index.js';
export * from './verifier.js';
// The Fastify and Express helpers have entry points of their own
// (`@latchkey/client/fastify`, `@latchkey/client/express`), so that using the SDK
// never pulls in Fastify's types.
