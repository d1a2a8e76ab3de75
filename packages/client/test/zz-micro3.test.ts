import { test } from 'node:test';
import { createHash } from 'node:crypto';
import { createVerifier } from '../src/index.js';
import { introspectionSecret, startIntrospectionServer } from './introspection-server.js';
test('micro', async (t) => {
  const server = await startIntrospectionServer(t);
  const verifier = createVerifier({ url: server.url, introspectionSecret, subscribe: false, cacheTtlMs: 600000 });
  t.after(() => verifier.close());
  const token = await server.createToken(['all.Device']);
  await verifier.verify(token.token);
  const n = 20000;
  for (let round = 0; round < 3; round++) {
    let s = performance.now();
    for (let i = 0; i < n; i++) await verifier.verify(token.token);
    const v = ((performance.now() - s) / n) * 1e6;
    s = performance.now();
    for (let i = 0; i < n; i++) createHash('sha256').update(token.token).digest('hex');
    const h = ((performance.now() - s) / n) * 1e6;
    console.log({ v, h });
  }
});
