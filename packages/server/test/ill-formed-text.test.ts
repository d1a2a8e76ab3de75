// Strings no store keeps faithfully (U+0000, which PostgreSQL refuses, and lone
// UTF-16 surrogates, which have no UTF-8 form) are refused with a 400 naming the
// field, on every adapter, and log nothing at error level.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { adapters, skipUnavailable } from './helpers/stores.js';

const email = 'owner@example.com';
const password = 'correct horse battery';
const nul = 'a\u0000b';
const lone = 'a\ud800b';

for (const adapter of adapters) {
  test(`${adapter.name}: U+0000 and lone surrogates are 400 Validation naming the field`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const lines: Array<{ level: number; msg: string }> = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const app = await buildApp({ store, logger: { level: 'warn', stream } });
    t.after(() => app.close());
    const boot = await bootstrap(store, { email, password, applicationName: 'Test Application' });
    const tokens = `/applications/${boot.applicationId}/tokens`;
    const org = await app.inject({
      method: 'POST',
      url: '/orgs',
      headers: { authorization: `Bearer ${boot.token}` },
      payload: { name: 'Acme' },
    });
    assert.equal(org.statusCode, 201);

    const cases: Array<[string, InjectOptions, RegExp]> = [];
    for (const [what, bad] of [
      ['U+0000', nul],
      ['a lone surrogate', lone],
    ] as const) {
      cases.push(
        [
          `sign-in email with ${what}`,
          { method: 'POST', url: '/auth/user', payload: { email: `${bad}@example.com`, password } },
          /body\/email/,
        ],
        [
          `sign-in password with ${what}`,
          { method: 'POST', url: '/auth/user', payload: { email, password: `${bad}password` } },
          /body\/password/,
        ],
        [`token name with ${what}`, { method: 'POST', url: tokens, payload: { name: bad } }, /body\/name/],
        [
          `user token description with ${what}`,
          { method: 'POST', url: '/me/tokens', payload: { name: 'x', description: bad } },
          /body\/description/,
        ],
        [`application name with ${what}`, { method: 'POST', url: '/applications', payload: { name: bad } }, /body\/name/],
        [`organization name with ${what}`, { method: 'POST', url: '/orgs', payload: { name: bad } }, /body\/name/],
        [
          `organization description with ${what}`,
          { method: 'PATCH', url: `/orgs/${org.json().id}`, payload: { description: bad } },
          /body\/description/,
        ],
      );
    }
    // A query string is percent-encoded UTF-8, so only U+0000 can arrive there.
    cases.push(
      ['token filter with U+0000', { method: 'GET', url: tokens, query: { filterField: 'name', filter: nul } }, /querystring\/filter/],
      [
        'application filter with U+0000',
        { method: 'GET', url: '/applications', query: { filterField: 'name', filter: nul } },
        /querystring\/filter/,
      ],
    );
    for (const [what, request, field] of cases) {
      const res = await app.inject({ ...request, headers: { authorization: `Bearer ${boot.token}` } });
      assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
      const body = res.json();
      assert.deepEqual(Object.keys(body).sort(), ['message', 'type'], what);
      assert.equal(body.type, 'Validation', what);
      assert.match(body.message, field, what);
    }
    // /auth/user takes no token.
    const anonymous = await app.inject({ method: 'POST', url: '/auth/user', payload: { email: `${nul}@example.com`, password } });
    assert.equal(anonymous.statusCode, 400);
    assert.match(anonymous.json().message, /body\/email must not contain U\+0000/);

    assert.deepEqual(
      lines.filter((line) => line.level >= 50),
      [],
    );
    // Nothing was stored; well-formed text outside the BMP is kept as sent.
    const listed = await app.inject({ method: 'GET', url: tokens, headers: { authorization: `Bearer ${boot.token}` } });
    assert.equal(listed.json().totalCount, 0);
    const emoji = await app.inject({
      method: 'POST',
      url: tokens,
      headers: { authorization: `Bearer ${boot.token}` },
      payload: { name: 'key 🔑' },
    });
    assert.equal(emoji.statusCode, 201);
    assert.equal(emoji.json().name, 'key 🔑');
  });
}
