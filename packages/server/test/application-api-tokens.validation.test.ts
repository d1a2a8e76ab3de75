// GET and POST /applications/{applicationId}/tokens: every refusal of bad input is
// a 400 (or 413) in the {type, message} shape, and nothing is created.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, type Harness } from './helpers/build.js';

function assertError(res: { statusCode: number; json(): unknown }, status: number, type: string) {
  assert.equal(res.statusCode, status);
  const body = res.json() as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['message', 'type']);
  assert.equal(body.type, type);
  assert.equal(typeof body.message, 'string');
  assert.ok((body.message as string).length > 0);
}

async function tokenCount(h: Harness): Promise<number> {
  const res = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens` });
  return res.json().totalCount;
}

const badBodies: Array<[string, unknown]> = [
  ['missing name', {}],
  ['empty name', { name: '' }],
  ['name too long', { name: 'x'.repeat(256) }],
  ['name not a string', { name: 42 }],
  ['description too long', { name: 'a', description: 'x'.repeat(32768) }],
  ['description not a string', { name: 'a', description: ['x'] }],
  ['unknown field', { name: 'a', owner: 'me' }],
  ['unknown scope', { name: 'a', scope: ['all.Everything'] }],
  ['user-level scope on an application token', { name: 'a', scope: ['all.User'] }],
  ['duplicate scopes', { name: 'a', scope: ['device.*', 'device.*'] }],
  ['scope not an array', { name: 'a', scope: 'all.Application' }],
  ['bad status', { name: 'a', status: 'revoked' }],
  ['expirationDate not a date-time', { name: 'a', expirationDate: 'tomorrow' }],
  ['expirationDate without time zone', { name: 'a', expirationDate: '2999-01-01T00:00:00' }],
  ['expirationDate in the past', { name: 'a', expirationDate: '2001-01-01T00:00:00.000Z' }],
  ['body is an array', [{ name: 'a' }]],
  ['body is a string', 'a'],
];

for (const [label, payload] of badBodies) {
  test(`POST refuses ${label} with 400 Validation`, async (t) => {
    const h = await build(t);
    const res = await h.call(h.userToken, {
      method: 'POST',
      url: `/applications/${h.applicationId}/tokens`,
      payload: payload as object,
    });
    assertError(res, 400, 'Validation');
    assert.equal(await tokenCount(h), 0);
  });
}

test('POST refuses an expirationDate equal to now', async (t) => {
  const h = await build(t);
  const res = await h.call(h.userToken, {
    method: 'POST',
    url: `/applications/${h.applicationId}/tokens`,
    payload: { name: 'a', expirationDate: new Date(h.clock.now).toISOString() },
  });
  assertError(res, 400, 'Validation');
});

test('POST refuses malformed JSON, a wrong content type and an empty JSON body', async (t) => {
  const h = await build(t);
  const url = `/applications/${h.applicationId}/tokens`;
  const malformed = await h.call(h.userToken, {
    method: 'POST',
    url,
    payload: '{"name": ',
    headers: { 'content-type': 'application/json' },
  });
  assertError(malformed, 400, 'Validation');
  const text = await h.call(h.userToken, { method: 'POST', url, payload: 'name=a', headers: { 'content-type': 'text/plain' } });
  assert.ok(text.statusCode === 400 || text.statusCode === 415);
  assert.equal(text.json().type, 'Validation');
  const empty = await h.call(h.userToken, { method: 'POST', url, payload: '', headers: { 'content-type': 'application/json' } });
  assertError(empty, 400, 'Validation');
  assert.equal(await tokenCount(h), 0);
});

test('POST refuses a body over 1 MiB with 413', async (t) => {
  const h = await build(t);
  const res = await h.call(h.userToken, {
    method: 'POST',
    url: `/applications/${h.applicationId}/tokens`,
    payload: JSON.stringify({ name: 'a', description: 'x'.repeat(1024 * 1024) }),
    headers: { 'content-type': 'application/json' },
  });
  assertError(res, 413, 'PayloadTooLarge');
});

const badQueries = [
  'sortField=owner',
  'sortField=',
  'sortDirection=up',
  'page=-1',
  'page=1.5',
  'page=abc',
  'perPage=0',
  'perPage=1001',
  'perPage=99999999999999999999',
  'filterField=description&filter=a',
  'sortField=name&sortField=id',
  'unknown=1',
];

for (const query of badQueries) {
  test(`GET refuses ?${query} with 400 Validation`, async (t) => {
    const h = await build(t);
    const res = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens?${query}` });
    assertError(res, 400, 'Validation');
  });
}

test('malformed application ids are 400, on both actions', async (t) => {
  const h = await build(t);
  for (const id of ['123', 'zzzzzzzzzzzzzzzzzzzzzzzz', `${h.applicationId}0`]) {
    const get = await h.call(h.userToken, { method: 'GET', url: `/applications/${id}/tokens` });
    assertError(get, 400, 'Validation');
    const post = await h.call(h.userToken, { method: 'POST', url: `/applications/${id}/tokens`, payload: { name: 'a' } });
    assertError(post, 400, 'Validation');
  }
});

test('unknown routes answer 404 in the error shape', async (t) => {
  const h = await build(t);
  const res = await h.call(h.userToken, { method: 'GET', url: '/nothing/here' });
  assertError(res, 404, 'NotFound');
});
