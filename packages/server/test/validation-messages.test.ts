// Refusals of bad input say what is wrong: an unknown scope is named with the
// nearest catalogue scope, an unknown field or query parameter is named, on every
// route that takes one (messages are made where validation errors are).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, login } from './helpers/build.js';

const email = 'owner@example.com';
const password = 'correct horse battery';

function refusal(res: { statusCode: number; json(): unknown }): string {
  assert.equal(res.statusCode, 400);
  const body = res.json() as { type: string; message: string };
  assert.deepEqual(Object.keys(body).sort(), ['message', 'type']);
  assert.equal(body.type, 'Validation');
  return body.message;
}

test('an unknown scope is named, with the nearest catalogue scope', async (t) => {
  const h = await build(t);
  const payload = { name: 'x', scope: ['all.Devise'] };
  const expected = "Unknown scope 'all.Devise'; did you mean 'all.Device'?";
  const app = await h.call(h.userToken, { method: 'POST', url: `/applications/${h.applicationId}/tokens`, payload });
  assert.equal(refusal(app), expected);
  const me = await h.call(h.userToken, { method: 'POST', url: '/me/tokens', payload });
  assert.equal(refusal(me), expected);
  const later = await h.call(h.userToken, {
    method: 'POST',
    url: '/me/tokens',
    payload: { name: 'x', scope: ['all.Application', 'device.gett'] },
  });
  assert.equal(refusal(later), "Unknown scope 'device.gett'; did you mean 'device.get'?");
  const signIn = await h.call(undefined, { method: 'POST', url: '/auth/user', payload: { email, password, requestedScopes: ['all.usr'] } });
  assert.equal(refusal(signIn), "Unknown scope 'all.usr'; did you mean 'all.User'?");
});

test('no suggestion when no catalogue scope is close', async (t) => {
  const h = await build(t);
  const payload = { name: 'x', scope: ['zzzzzzzzzzzzzzzz'] };
  const res = await h.call(h.userToken, { method: 'POST', url: `/applications/${h.applicationId}/tokens`, payload });
  assert.equal(refusal(res), "Unknown scope 'zzzzzzzzzzzzzzzz'");
});

test('a catalogue scope an application token cannot carry is named as not allowed', async (t) => {
  const h = await build(t);
  const payload = { name: 'x', scope: ['all.User'] };
  const res = await h.call(h.userToken, { method: 'POST', url: `/applications/${h.applicationId}/tokens`, payload });
  assert.match(refusal(res), /'all\.User' is not allowed/);
});

test('an unknown field is named, in bodies and query strings', async (t) => {
  const h = await build(t);
  const token = await h.call(h.userToken, { method: 'POST', url: `/applications/${h.applicationId}/tokens`, payload: { nme: 'x' } });
  assert.equal(refusal(token), "Unknown field 'nme'");
  const app = await h.call(h.userToken, { method: 'POST', url: '/applications', payload: { name: 'x', descripton: 'y' } });
  assert.equal(refusal(app), "Unknown field 'descripton'");
  const signIn = await h.call(undefined, { method: 'POST', url: '/auth/user', payload: { email, password, remember: true } });
  assert.equal(refusal(signIn), "Unknown field 'remember'");
  const list = await h.call(h.userToken, { method: 'GET', url: '/applications?perPag=5' });
  assert.equal(refusal(list), "Unknown query parameter 'perPag'");
});

test('an unknown value of another enumeration is named with the nearest allowed one', async (t) => {
  const h = await build(t);
  const res = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens?sortField=nme` });
  assert.equal(refusal(res), "Unknown value 'nme' for querystring/sortField; did you mean 'name'?");
  const session = await login(h, email, password);
  const status = await h.call(session, {
    method: 'PATCH',
    url: `/applications/${h.applicationId}/tokens/${(await h.createToken({ name: 'a' })).id}`,
    payload: { status: 'gone' },
  });
  assert.equal(refusal(status), "Unknown value 'gone' for body/status; expected one of 'active', 'inactive'");
});

test('other violations still name the field', async (t) => {
  const h = await build(t);
  const res = await h.call(h.userToken, { method: 'POST', url: '/applications', payload: { name: 42 } });
  assert.equal(refusal(res), 'body/name must be string');
});

test('a value as long as a token is never repeated back: it may be a secret in the wrong field', async (t) => {
  const h = await build(t);
  const secret = h.userToken;
  const url = `/applications/${h.applicationId}/tokens`;
  const asScope = await h.call(h.userToken, { method: 'POST', url, payload: { name: 'x', scope: [secret] } });
  assert.equal(refusal(asScope), 'Unknown scope in body/scope/0');
  const asField = await h.call(h.userToken, { method: 'POST', url, payload: { name: 'x', [secret]: 1 } });
  assert.equal(refusal(asField), 'Unknown field in body');
  const asQuery = await h.call(h.userToken, { method: 'GET', url, query: { sortField: secret } });
  const message = refusal(asQuery);
  assert.match(message, /^Unknown value for querystring\/sortField; expected one of 'name'/);
  assert.ok(!message.includes(secret));
});

test('a request without a body that still says application/json: fine where the route takes no body, 400 where it needs one', async (t) => {
  const h = await build(t);
  const json = { authorization: `Bearer ${h.userToken}`, 'content-type': 'application/json' };
  const created = await h.createToken({ name: 'to delete' });
  const tokenUrl = `/applications/${h.applicationId}/tokens/${created.id}`;
  const got = await h.app.inject({ method: 'GET', url: tokenUrl, headers: json });
  assert.equal(got.statusCode, 200, got.body);
  const deleted = await h.app.inject({ method: 'DELETE', url: tokenUrl, headers: json });
  assert.equal(deleted.statusCode, 200, deleted.body);
  assert.deepEqual(deleted.json(), { success: true });
  assert.equal((await h.app.inject({ method: 'GET', url: tokenUrl, headers: json })).statusCode, 404);
  // A route that takes a body refuses an empty one, saying so.
  const empty = await h.app.inject({ method: 'POST', url: `/applications/${h.applicationId}/tokens`, headers: json });
  assert.equal(refusal(empty), 'Body cannot be empty when Content-Type is application/json');
  // A body is still parsed as before, prototype poisoning refused.
  const poisoned = await h.app.inject({
    method: 'POST',
    url: `/applications/${h.applicationId}/tokens`,
    headers: json,
    payload: '{"name":"x","__proto__":{"admin":true}}',
  });
  assert.equal(poisoned.statusCode, 400, poisoned.body);
});
