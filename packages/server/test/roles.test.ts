// Organization roles cap every credential of a member in the organization's
// applications. The expected outcomes are written out here, independently of
// contract/roles.ts and contract/actions.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { build, createUser, login, mintToken, type Harness } from './helpers/build.js';

type Role = 'admin' | 'edit' | 'collaborate' | 'view';
type Credential = 'all.User session' | 'all.User.read' | 'all.Organization' | 'all.Organization.read';
type Action =
  | 'list tokens'
  | 'create token'
  | 'get token'
  | 'patch token'
  | 'delete token'
  | 'get application'
  | 'patch application'
  | 'delete application';

const hour = 60 * 60 * 1000;

// The success status of each action, in the order they are tried (the
// application is deleted last).
const actionOrder: readonly [Action, number][] = [
  ['list tokens', 200],
  ['create token', 201],
  ['get token', 200],
  ['patch token', 200],
  ['delete token', 200],
  ['get application', 200],
  ['patch application', 200],
  ['delete application', 200],
];

// What each role allows in the organization's applications.
const R = true;
const _ = false;
const roleTable: Record<Action, Record<Role, boolean>> = {
  //                       admin  edit  collaborate  view
  'list tokens': { admin: R, edit: R, collaborate: R, view: R },
  'create token': { admin: R, edit: R, collaborate: _, view: _ },
  'get token': { admin: R, edit: R, collaborate: R, view: R },
  'patch token': { admin: R, edit: R, collaborate: _, view: _ },
  'delete token': { admin: R, edit: R, collaborate: _, view: _ },
  'get application': { admin: R, edit: R, collaborate: R, view: R },
  'patch application': { admin: R, edit: R, collaborate: _, view: _ },
  'delete application': { admin: R, edit: R, collaborate: _, view: _ },
};

// What each credential's scope allows on an organization application.
const scopeTable: Record<Action, Record<Credential, boolean>> = {
  //                      all.User session  all.User.read  all.Organization  all.Organization.read
  'list tokens': { 'all.User session': R, 'all.User.read': R, 'all.Organization': R, 'all.Organization.read': R },
  'create token': { 'all.User session': R, 'all.User.read': _, 'all.Organization': R, 'all.Organization.read': _ },
  'get token': { 'all.User session': R, 'all.User.read': R, 'all.Organization': R, 'all.Organization.read': R },
  'patch token': { 'all.User session': R, 'all.User.read': _, 'all.Organization': R, 'all.Organization.read': _ },
  'delete token': { 'all.User session': R, 'all.User.read': _, 'all.Organization': R, 'all.Organization.read': _ },
  'get application': { 'all.User session': R, 'all.User.read': R, 'all.Organization': R, 'all.Organization.read': R },
  'patch application': { 'all.User session': R, 'all.User.read': _, 'all.Organization': R, 'all.Organization.read': _ },
  'delete application': { 'all.User session': R, 'all.User.read': _, 'all.Organization': R, 'all.Organization.read': _ },
};

const roles: readonly Role[] = ['admin', 'edit', 'collaborate', 'view'];
const credentials: readonly Credential[] = ['all.User session', 'all.User.read', 'all.Organization', 'all.Organization.read'];

interface Org {
  h: Harness;
  orgId: string;
  memberId: string;
  memberSession: string;
}

async function setup(h: Harness, role: Role): Promise<Org> {
  const org = await h.call(h.userToken, { method: 'POST', url: '/orgs', payload: { name: 'Acme' } });
  assert.equal(org.statusCode, 201);
  const orgId = org.json().id as string;
  const memberId = await createUser(h.store, 'member@example.com', 'member password');
  const set = await h.call(h.userToken, { method: 'PATCH', url: `/orgs/${orgId}/member`, payload: { userId: memberId, role } });
  assert.equal(set.statusCode, 200);
  return { h, orgId, memberId, memberSession: await login(h, 'member@example.com', 'member password') };
}

async function orgApplication(o: Org): Promise<string> {
  const res = await o.h.call(o.h.userToken, { method: 'POST', url: '/applications', payload: { name: 'Org App', orgId: o.orgId } });
  assert.equal(res.statusCode, 201);
  return res.json().id;
}

async function credential(o: Org, which: Credential): Promise<string> {
  if (which === 'all.User session') return o.memberSession;
  return (await mintToken(o.h.store, { ownerType: 'user', ownerId: o.memberId }, { scope: [which] })).token;
}

function request(h: Harness, action: Action, applicationId: string, tokenId: string): InjectOptions {
  const tokens = `/applications/${applicationId}/tokens`;
  const expirationDate = new Date(h.clock.now + hour).toISOString();
  switch (action) {
    case 'list tokens':
      return { method: 'GET', url: tokens };
    case 'create token':
      return { method: 'POST', url: tokens, payload: { name: 'new', scope: ['all.Application.read'], expirationDate } };
    case 'get token':
      return { method: 'GET', url: `${tokens}/${tokenId}` };
    case 'patch token':
      return { method: 'PATCH', url: `${tokens}/${tokenId}`, payload: { description: 'touched' } };
    case 'delete token':
      return { method: 'DELETE', url: `${tokens}/${tokenId}` };
    case 'get application':
      return { method: 'GET', url: `/applications/${applicationId}` };
    case 'patch application':
      return { method: 'PATCH', url: `/applications/${applicationId}`, payload: { description: 'touched' } };
    case 'delete application':
      return { method: 'DELETE', url: `/applications/${applicationId}` };
  }
}

for (const role of roles) {
  test(`role table: ${role}`, async (t) => {
    const h = await build(t);
    const o = await setup(h, role);
    for (const which of credentials) {
      const token = await credential(o, which);
      const applicationId = await orgApplication(o);
      const target = await h.createToken({ name: 'target', scope: ['all.Application.read'] }, h.userToken, applicationId);
      for (const [action, success] of actionOrder) {
        const expected = roleTable[action][role] && scopeTable[action][which] ? success : 403;
        const res = await h.call(token, request(h, action, applicationId, target.id));
        assert.equal(res.statusCode, expected, `${role} / ${which} / ${action}: ${res.body}`);
        if (expected === 403) assert.equal(res.json().type, 'Forbidden');
      }
      // Clean up what the member could not delete.
      await h.call(h.userToken, { method: 'DELETE', url: `/applications/${applicationId}` });
    }
  });
}

test('demoting a member caps their existing token on the very next request; removal makes the application 404', async (t) => {
  const h = await build(t);
  const o = await setup(h, 'edit');
  const applicationId = await orgApplication(o);
  const { token } = await mintToken(h.store, { ownerType: 'user', ownerId: o.memberId }, { scope: ['all.User'] });
  const create = () =>
    h.call(token, { method: 'POST', url: `/applications/${applicationId}/tokens`, payload: { name: 'x', scope: ['device.get'] } });
  assert.equal((await create()).statusCode, 201);

  assert.equal(
    (await h.call(h.userToken, { method: 'PATCH', url: `/orgs/${o.orgId}/member`, payload: { userId: o.memberId, role: 'view' } }))
      .statusCode,
    200,
  );
  const capped = await create();
  assert.equal(capped.statusCode, 403);
  assert.equal(capped.json().type, 'Forbidden');
  assert.equal((await h.call(token, { method: 'GET', url: `/applications/${applicationId}/tokens` })).statusCode, 200);

  assert.equal((await h.call(h.userToken, { method: 'DELETE', url: `/orgs/${o.orgId}/member?userId=${o.memberId}` })).statusCode, 200);
  for (const url of [`/applications/${applicationId}`, `/applications/${applicationId}/tokens`]) {
    const res = await h.call(token, { method: 'GET', url });
    assert.equal(res.statusCode, 404, url);
    assert.equal(res.json().type, 'NotFound');
  }
  const listed = (await h.call(token, { method: 'GET', url: '/applications' })).json();
  assert.equal(listed.totalCount, 0);
  // Still a valid credential for the member's own things.
  assert.equal((await h.call(token, { method: 'GET', url: '/me' })).statusCode, 200);
});

test("attenuation with roles: a view member's all.User token cannot mint an application token; an edit member's can", async (t) => {
  const h = await build(t);
  const o = await setup(h, 'view');
  const applicationId = await orgApplication(o);
  const { token } = await mintToken(h.store, { ownerType: 'user', ownerId: o.memberId }, { scope: ['all.User'] });
  const mint = (scope: string[]) =>
    h.call(token, { method: 'POST', url: `/applications/${applicationId}/tokens`, payload: { name: 'minted', scope } });
  for (const scope of [['all.Application.read'], ['all.Application'], ['device.get']]) {
    const res = await mint(scope);
    assert.equal(res.statusCode, 403, scope.join());
    assert.equal(res.json().type, 'Forbidden');
    assert.match(res.json().message, /view/);
  }
  assert.equal((await h.call(h.userToken, { method: 'GET', url: `/applications/${applicationId}/tokens` })).json().totalCount, 0);

  await h.call(h.userToken, { method: 'PATCH', url: `/orgs/${o.orgId}/member`, payload: { userId: o.memberId, role: 'edit' } });
  const ok = await mint(['all.Application']);
  assert.equal(ok.statusCode, 201);
  assert.equal(ok.json().creatorType, 'apiToken');
  assert.equal((await h.call(ok.json().token, { method: 'GET', url: `/applications/${applicationId}` })).statusCode, 200);
});
