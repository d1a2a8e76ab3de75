// POST /auth/user: a tokenTTL that would give a session dead on arrival (zero,
// negative) or is not a whole number of seconds is refused with a 400 naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from './helpers/build.js';

const email = 'owner@example.com';
const password = 'correct horse battery';

test('tokenTTL of -5, 0 or 1.5 seconds is 400 Validation naming tokenTTL; 1 second gives a live session', async (t) => {
  const h = await build(t);
  for (const tokenTTL of [-5, 0, -0.5, 1.5]) {
    const res = await h.call(undefined, { method: 'POST', url: '/auth/user', payload: { email, password, tokenTTL } });
    assert.equal(res.statusCode, 400, `tokenTTL ${tokenTTL}: ${res.body}`);
    assert.equal(res.json().type, 'Validation');
    assert.match(res.json().message, /^body\/tokenTTL must be /);
  }
  const res = await h.call(undefined, { method: 'POST', url: '/auth/user', payload: { email, password, tokenTTL: 1 } });
  assert.equal(res.statusCode, 200);
  assert.equal((await h.call(res.json().token, { method: 'GET', url: '/me' })).statusCode, 200);
});
