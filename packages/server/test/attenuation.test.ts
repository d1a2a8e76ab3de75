// Tokens cannot mint (or re-activate) tokens stronger than themselves, nor ones
// that outlive them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, mintToken, type Harness } from './helpers/build.js';

async function creatorWith(h: Harness, scope: string[], expiresAt: number | null = null) {
  return mintToken(h.store, { ownerType: 'application', ownerId: h.applicationId }, { scope, expiresAt, name: 'creator' });
}

const post = (h: Harness, token: string, payload: object) =>
  h.call(token, { method: 'POST', url: `/applications/${h.applicationId}/tokens`, payload });

test('a token may create tokens within its own authority', async (t) => {
  const h = await build(t);
  const { token, id } = await creatorWith(h, ['applicationApiTokens.*', 'device.*', 'all.Device.read']);
  for (const scope of [
    ['applicationApiTokens.get'],
    ['applicationApiTokens.*'],
    ['device.*'],
    ['device.sendState', 'device.get'],
    ['all.Device.read'],
  ]) {
    const res = await post(h, token, { name: 'child', scope });
    assert.equal(res.statusCode, 201, `${scope} -> ${res.body}`);
    assert.equal(res.json().creatorType, 'apiToken');
    assert.equal(res.json().creatorId, id);
    assert.equal(res.json().creatorName, 'creator');
  }
});

test('a stronger scope is refused with 403 naming the first scope that cannot be granted', async (t) => {
  const h = await build(t);
  const { token } = await creatorWith(h, ['applicationApiTokens.post', 'device.*']);
  const cases: Array<[object, string]> = [
    [{ name: 'x' }, 'all.Application'], // the omitted-scope default is checked too
    [{ name: 'x', scope: ['all.Application'] }, 'all.Application'],
    [{ name: 'x', scope: ['device.get', 'all.Device'] }, 'all.Device'], // all.Device holds devices.* actions too
    [{ name: 'x', scope: ['device.get', 'applicationApiTokens.*', 'all.Application.read'] }, 'applicationApiTokens.*'],
    [{ name: 'x', scope: ['applicationApiTokens.get'] }, 'applicationApiTokens.get'],
  ];
  for (const [payload, denied] of cases) {
    const res = await post(h, token, payload);
    assert.equal(res.statusCode, 403, JSON.stringify(payload));
    assert.equal(res.json().type, 'Forbidden');
    assert.ok(res.json().message.startsWith(`Cannot grant scope ${denied}:`), res.json().message);
  }
  const list = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens` });
  assert.equal(list.json().totalCount, 1, 'nothing was created beside the creator itself');
});

test('a read-only group can grant read actions, and only those', async (t) => {
  const h = await build(t);
  const { token } = await creatorWith(h, ['all.Application.read', 'applicationApiTokens.post']);
  assert.equal((await post(h, token, { name: 'r', scope: ['all.Device.read', 'device.get', 'applicationApiTokens.get'] })).statusCode, 201);
  assert.equal((await post(h, token, { name: 'w', scope: ['device.sendState'] })).statusCode, 403);
});

test('an expiring creator cannot create a never-expiring or longer-lived token', async (t) => {
  const h = await build(t);
  const creatorExpiry = h.clock.now + 3_600_000;
  const { token } = await creatorWith(h, ['all.Application'], creatorExpiry);
  const never = await post(h, token, { name: 'forever' });
  assert.equal(never.statusCode, 403);
  assert.match(never.json().message, /expirationDate/);
  const later = await post(h, token, { name: 'later', expirationDate: new Date(creatorExpiry + 1).toISOString() });
  assert.equal(later.statusCode, 403);
  const same = await post(h, token, { name: 'same', expirationDate: new Date(creatorExpiry).toISOString() });
  assert.equal(same.statusCode, 201);
  const sooner = await post(h, token, { name: 'sooner', expirationDate: new Date(creatorExpiry - 1000).toISOString() });
  assert.equal(sooner.statusCode, 201);
});

test('re-activating a token requires authority over its scopes', async (t) => {
  const h = await build(t);
  const strong = await h.createToken({ name: 'strong', scope: ['all.Application'], status: 'inactive' });
  const { token } = await creatorWith(h, ['applicationApiToken.patch']);
  const url = `/applications/${h.applicationId}/tokens/${strong.id}`;
  const res = await h.call(token, { method: 'PATCH', url, payload: { status: 'active' } });
  assert.equal(res.statusCode, 403);
  assert.match(res.json().message, /all\.Application/);
  // Renaming or deactivating is not a grant.
  assert.equal((await h.call(token, { method: 'PATCH', url, payload: { name: 'renamed' } })).statusCode, 200);
  assert.equal((await h.call(h.userToken, { method: 'PATCH', url, payload: { status: 'active' } })).statusCode, 200);
  assert.equal((await h.call(token, { method: 'PATCH', url, payload: { status: 'inactive' } })).statusCode, 200);
});

test('a user token with all.User may grant anything an application token can carry', async (t) => {
  const h = await build(t);
  const res = await post(h, h.userToken, { name: 'all', scope: ['all.Application', 'all.Device', 'device.*'] });
  assert.equal(res.statusCode, 201);
});
