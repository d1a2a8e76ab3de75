// A small Fastify service that accepts latchkey tokens: POST
// /applications/:applicationId/state is allowed only to tokens holding
// device.sendState on that application (all.Device, device.*, all.Application, ...).
//
//   latchkey serve --introspection-secret "$LATCHKEY_INTROSPECTION_SECRET" &
//   LATCHKEY_URL=http://localhost:8080 LATCHKEY_INTROSPECTION_SECRET=... PORT=3000 \
//     npx tsx examples/protected-service.ts
//   curl -X POST localhost:3000/applications/$APP/state -H "Authorization: Bearer $TOKEN" \
//     -H 'Content-Type: application/json' -d '{"temperature": 21}'
import Fastify from 'fastify';
import { createVerifier } from '@latchkey/client';
import { requireScope } from '@latchkey/client/fastify';

const secret = process.env.LATCHKEY_INTROSPECTION_SECRET;
if (!secret) {
  console.error('Set LATCHKEY_INTROSPECTION_SECRET (the secret latchkey was started with).');
  process.exit(1);
}

const verifier = createVerifier({
  url: process.env.LATCHKEY_URL ?? 'http://localhost:8080',
  introspectionSecret: secret,
  // A token revoked in latchkey may still be accepted here for up to this long.
  cacheTtlMs: 5000,
});

const app = Fastify({ logger: true });

app.post<{ Params: { applicationId: string }; Body: Record<string, unknown> }>(
  '/applications/:applicationId/state',
  { preHandler: requireScope(verifier, 'device.sendState', (request) => request.params.applicationId) },
  async (request) => {
    // request.latchkey is the token's introspection: who is calling (never the token itself).
    request.log.info({ tokenId: request.latchkey?.tokenId, applicationId: request.params.applicationId }, 'state received');
    return { accepted: true, state: request.body ?? {} };
  },
);

await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
