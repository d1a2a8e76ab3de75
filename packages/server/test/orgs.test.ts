// /orgs: organizations, members and roles; organization applications.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '@latchkey/contract';
import { build, createUser, login, type Harness } from './helpers/build.js';
import { adapters, skipUnavailable } from './helpers/stores.js';

interface Member {
  userId: string;
  email: string;
  role: string;
}

async function user(h: Harness, name: string): Promise<{ id: string; session: string }> {
  const email = `${name}@example.com`;
  const id = await createUser(h.store, email, `${name} password`);
  return { id, session: await login(h, email, `${name} password`) };
}

async function createOrg(h: Harness, token = h.userToken, name = 'Acme'): Promise<{ id: string; members: Member[] }> {
  const res = await h.call(token, { method: 'POST', url: '/orgs', payload: { name, description: 'widgets' } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

const setMember = (h: Harness, orgId: string, userId: string, role: string, token = h.userToken) =>
  h.call(token, { method: 'PATCH', url: `/orgs/${orgId}/member`, payload: { userId, role } });
const setMemberByEmail = (h: Harness, orgId: string, email: string, role: string, token = h.userToken) =>
  h.call(token, { method: 'PATCH', url: `/orgs/${orgId}/member`, payload: { email, role } });
const removeMember = (h: Harness, orgId: string, userId: string, token = h.userToken) =>
  h.call(token, { method: 'DELETE', url: `/orgs/${orgId}/member?userId=${userId}` });

test("POST /orgs makes the creator its admin; GET /orgs lists only the caller's organizations", async (t) => {
  const h = await build(t);
  const org = await createOrg(h);
  const res = await h.call(h.userToken, { method: 'GET', url: `/orgs/${org.id}` });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.id, org.id);
  assert.equal(body.orgId, org.id);
  assert.equal(body.name, 'Acme');
  assert.equal(body.description, 'widgets');
  assert.deepEqual(
    body.members.map((m: Member) => ({ userId: m.userId, email: m.email, role: m.role })),
    [{ userId: h.userId, email: 'owner@example.com', role: 'admin' }],
  );

  const other = await user(h, 'other');
  const theirs = await createOrg(h, other.session, 'Theirs');
  const mine = (await h.call(h.userToken, { method: 'GET', url: '/orgs' })).json();
  assert.equal(mine.totalCount, 1);
  assert.deepEqual(
    mine.items.map((o: { id: string }) => o.id),
    [org.id],
  );
  const their = (await h.call(other.session, { method: 'GET', url: '/orgs' })).json();
  assert.deepEqual(
    their.items.map((o: { id: string }) => o.id),
    [theirs.id],
  );

  for (const payload of [{}, { name: '' }, { name: 'x', members: [] }]) {
    assert.equal((await h.call(h.userToken, { method: 'POST', url: '/orgs', payload })).statusCode, 400, JSON.stringify(payload));
  }
});

test('PATCH and DELETE /orgs/{id}', async (t) => {
  const h = await build(t);
  const org = await createOrg(h);
  const url = `/orgs/${org.id}`;
  const patched = await h.call(h.userToken, { method: 'PATCH', url, payload: { name: 'Acme Inc', description: 'more widgets' } });
  assert.equal(patched.statusCode, 200);
  assert.equal(patched.json().name, 'Acme Inc');
  assert.equal(patched.json().description, 'more widgets');
  assert.equal((await h.call(h.userToken, { method: 'PATCH', url, payload: { members: [] } })).statusCode, 400);
  assert.equal((await h.call(h.userToken, { method: 'GET', url })).json().name, 'Acme Inc');
  const del = await h.call(h.userToken, { method: 'DELETE', url });
  assert.equal(del.statusCode, 200);
  assert.deepEqual(del.json(), { success: true });
  assert.equal((await h.call(h.userToken, { method: 'GET', url })).statusCode, 404);
  assert.equal((await h.call(h.userToken, { method: 'GET', url: '/orgs' })).json().totalCount, 0);
});

test('PATCH /orgs/{id}/member adds members and changes roles; bad users and roles are refused', async (t) => {
  const h = await build(t);
  const org = await createOrg(h);
  const bob = await user(h, 'bob');
  const added = await setMember(h, org.id, bob.id, 'view');
  assert.equal(added.statusCode, 200);
  const roleOf = (members: Member[], id: string) => members.find((m) => m.userId === id)?.role;
  assert.equal(roleOf(added.json().members, bob.id), 'view');
  assert.equal(added.json().members.find((m: Member) => m.userId === bob.id).email, 'bob@example.com');
  // Bob now sees the organization.
  assert.equal((await h.call(bob.session, { method: 'GET', url: `/orgs/${org.id}` })).statusCode, 200);
  assert.equal((await h.call(bob.session, { method: 'GET', url: '/orgs' })).json().totalCount, 1);

  const changed = await setMember(h, org.id, bob.id, 'collaborate');
  assert.equal(changed.statusCode, 200);
  assert.equal(roleOf(changed.json().members, bob.id), 'collaborate');
  assert.equal(changed.json().members.length, 2);

  const unknown = await setMember(h, org.id, newId(), 'edit');
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json().type, 'NotFound');
  for (const role of ['none', 'owner', '']) {
    const res = await setMember(h, org.id, bob.id, role);
    assert.equal(res.statusCode, 400, role);
  }
  assert.equal(
    (await h.call(h.userToken, { method: 'PATCH', url: `/orgs/${org.id}/member`, payload: { userId: bob.id } })).statusCode,
    400,
  );
  assert.equal(
    (await h.call(h.userToken, { method: 'PATCH', url: `/orgs/${org.id}/member`, payload: { userId: 'nothex', role: 'view' } })).statusCode,
    400,
  );
  const after = (await h.call(h.userToken, { method: 'GET', url: `/orgs/${org.id}` })).json();
  assert.equal(roleOf(after.members, bob.id), 'collaborate');
});

for (const adapter of adapters) {
  test(`${adapter.name}: PATCH /orgs/{id}/member names the member by email, matched as sign-in matches it`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const h = await build(t, { store: await adapter.open(t) });
    const org = await createOrg(h);
    const bob = await user(h, 'bob');
    const url = `/orgs/${org.id}/member`;
    const roleOf = (members: Member[], id: string) => members.find((m) => m.userId === id)?.role;

    // Sign-in takes the email in any case; so does naming a member.
    await login(h, 'Bob@Example.COM', 'bob password');
    const added = await setMemberByEmail(h, org.id, 'Bob@Example.COM', 'view');
    assert.equal(added.statusCode, 200, added.body);
    assert.equal(roleOf(added.json().members, bob.id), 'view');
    assert.equal(added.json().members.find((m: Member) => m.userId === bob.id).email, 'bob@example.com');
    assert.deepEqual(added.json(), (await h.call(h.userToken, { method: 'GET', url: `/orgs/${org.id}` })).json());
    assert.equal((await h.call(bob.session, { method: 'GET', url: `/orgs/${org.id}` })).statusCode, 200);

    const changed = await setMemberByEmail(h, org.id, 'bob@example.com', 'collaborate');
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(roleOf(changed.json().members, bob.id), 'collaborate');
    assert.equal(changed.json().members.length, 2);

    const unknown = await setMemberByEmail(h, org.id, 'Nobody@example.com', 'view');
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(unknown.json(), {
      type: 'NotFound',
      message: 'No user has the email Nobody@example.com: they must have an account first',
    });

    const refusals: [Record<string, unknown>, string][] = [
      [{ userId: bob.id, email: 'bob@example.com', role: 'view' }, 'Send either body/userId or body/email to name the member, not both'],
      [{ role: 'view' }, 'Name the member: send body/userId or body/email'],
      [{ email: 'bob.example.com', role: 'view' }, 'body/email must be an email address such as ada@example.com'],
      [{ email: 'bob@example.com' }, "body must have required property 'role'"],
      [{ email: 'bob@example.com', role: 'view', name: 'Bob' }, "Unknown field 'name'"],
    ];
    for (const [payload, message] of refusals) {
      const res = await h.call(h.userToken, { method: 'PATCH', url, payload });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.deepEqual(res.json(), { type: 'Validation', message }, JSON.stringify(payload));
    }
    const after = (await h.call(h.userToken, { method: 'GET', url: `/orgs/${org.id}` })).json();
    assert.equal(roleOf(after.members, bob.id), 'collaborate');
    assert.equal(after.members.length, 2);
  });

  test(`${adapter.name}: by email too, the last admin can be neither demoted nor left without a successor`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const h = await build(t, { store: await adapter.open(t) });
    const org = await createOrg(h);
    const bob = await user(h, 'bob');
    assert.equal((await setMemberByEmail(h, org.id, 'bob@example.com', 'edit')).statusCode, 200);
    const refused = await setMemberByEmail(h, org.id, 'OWNER@example.com', 'edit');
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(refused.json(), { type: 'Validation', message: 'The last admin of an organization cannot be removed or demoted' });
    const members = (await h.call(h.userToken, { method: 'GET', url: `/orgs/${org.id}` })).json().members;
    assert.equal(members.find((m: Member) => m.userId === h.userId).role, 'admin');

    assert.equal((await setMemberByEmail(h, org.id, 'BOB@example.com', 'admin')).statusCode, 200);
    const demoted = await setMemberByEmail(h, org.id, 'owner@example.com', 'view');
    assert.equal(demoted.statusCode, 200, demoted.body);
    assert.equal(demoted.json().members.find((m: Member) => m.userId === h.userId).role, 'view');
    // Now bob is the last admin, whichever way he is named.
    const self = await setMemberByEmail(h, org.id, 'bob@example.com', 'edit', bob.session);
    assert.equal(self.statusCode, 400);
    assert.equal(self.json().type, 'Validation');
  });
}

test('DELETE /orgs/{id}/member removes a member at once', async (t) => {
  const h = await build(t);
  const org = await createOrg(h);
  const bob = await user(h, 'bob');
  await setMember(h, org.id, bob.id, 'edit');
  assert.equal((await h.call(bob.session, { method: 'GET', url: `/orgs/${org.id}` })).statusCode, 200);
  const res = await removeMember(h, org.id, bob.id);
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { success: true });
  assert.equal((await h.call(bob.session, { method: 'GET', url: `/orgs/${org.id}` })).statusCode, 404);
  const members = (await h.call(h.userToken, { method: 'GET', url: `/orgs/${org.id}` })).json().members;
  assert.deepEqual(
    members.map((m: Member) => m.userId),
    [h.userId],
  );
  // Not a member (any more): 404.
  assert.equal((await removeMember(h, org.id, bob.id)).statusCode, 404);
  assert.equal((await h.call(h.userToken, { method: 'DELETE', url: `/orgs/${org.id}/member` })).statusCode, 400);
});

test('the last admin can be neither removed nor demoted, until another admin exists', async (t) => {
  const h = await build(t);
  const org = await createOrg(h);
  const bob = await user(h, 'bob');
  await setMember(h, org.id, bob.id, 'edit');
  for (const res of [await removeMember(h, org.id, h.userId), await setMember(h, org.id, h.userId, 'edit')]) {
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().type, 'Validation');
  }
  assert.equal((await setMember(h, org.id, bob.id, 'admin')).statusCode, 200);
  const demoted = await setMember(h, org.id, h.userId, 'view');
  assert.equal(demoted.statusCode, 200);
  assert.equal(demoted.json().members.find((m: Member) => m.userId === h.userId).role, 'view');
  // Now bob is the last admin.
  assert.equal((await removeMember(h, org.id, bob.id, bob.session)).statusCode, 400);
  assert.equal((await setMember(h, org.id, h.userId, 'admin', bob.session)).statusCode, 200);
  assert.equal((await removeMember(h, org.id, bob.id, bob.session)).statusCode, 200);
  assert.equal((await h.call(bob.session, { method: 'GET', url: `/orgs/${org.id}` })).statusCode, 404);
});

test('non-members get 404 on every organization route; non-admin members get 403 on changes', async (t) => {
  const h = await build(t);
  const org = await createOrg(h);
  const bob = await user(h, 'bob');
  const carol = await user(h, 'carol');
  const routes = [
    ['GET', `/orgs/${org.id}`, undefined],
    ['PATCH', `/orgs/${org.id}`, { name: 'Hijacked' }],
    ['DELETE', `/orgs/${org.id}`, undefined],
    ['PATCH', `/orgs/${org.id}/member`, { userId: carol.id, role: 'admin' }],
    ['DELETE', `/orgs/${org.id}/member?userId=${h.userId}`, undefined],
  ] as const;
  for (const [method, url, payload] of routes) {
    const res = await h.call(bob.session, { method, url, ...(payload ? { payload } : {}) });
    assert.equal(res.statusCode, 404, `non-member ${method} ${url}`);
    assert.equal(res.json().type, 'NotFound');
  }
  // A missing organization looks the same.
  assert.equal((await h.call(bob.session, { method: 'GET', url: `/orgs/${newId()}` })).statusCode, 404);

  for (const role of ['view', 'collaborate', 'edit']) {
    await setMember(h, org.id, bob.id, role);
    assert.equal((await h.call(bob.session, { method: 'GET', url: `/orgs/${org.id}` })).statusCode, 200, role);
    for (const [method, url, payload] of routes.slice(1)) {
      const res = await h.call(bob.session, { method, url, ...(payload ? { payload } : {}) });
      assert.equal(res.statusCode, 403, `${role} ${method} ${url}`);
      assert.equal(res.json().type, 'Forbidden');
    }
  }
  const after = (await h.call(h.userToken, { method: 'GET', url: `/orgs/${org.id}` })).json();
  assert.equal(after.name, 'Acme');
  assert.equal(after.members.length, 2);
});

test('an organization that still owns applications cannot be deleted (400)', async (t) => {
  const h = await build(t);
  const org = await createOrg(h);
  const app = await h.call(h.userToken, { method: 'POST', url: '/applications', payload: { name: 'Org App', orgId: org.id } });
  assert.equal(app.statusCode, 201);
  const refused = await h.call(h.userToken, { method: 'DELETE', url: `/orgs/${org.id}` });
  assert.equal(refused.statusCode, 400);
  assert.equal(refused.json().type, 'Validation');
  assert.equal((await h.call(h.userToken, { method: 'GET', url: `/orgs/${org.id}` })).statusCode, 200);
  assert.equal((await h.call(h.userToken, { method: 'DELETE', url: `/applications/${app.json().id}` })).statusCode, 200);
  assert.equal((await h.call(h.userToken, { method: 'DELETE', url: `/orgs/${org.id}` })).statusCode, 200);
});

test('POST /applications with orgId needs admin or edit; the application is listed for every member', async (t) => {
  const h = await build(t);
  const org = await createOrg(h);
  const bob = await user(h, 'bob');
  const eve = await user(h, 'eve');
  const create = (token: string, name: string) => h.call(token, { method: 'POST', url: '/applications', payload: { name, orgId: org.id } });

  const byAdmin = await create(h.userToken, 'By Admin');
  assert.equal(byAdmin.statusCode, 201);
  assert.equal(byAdmin.json().ownerType, 'organization');
  assert.equal(byAdmin.json().ownerId, org.id);
  assert.equal(byAdmin.json().organizationName, 'Acme');

  assert.equal((await create(eve.session, 'By Stranger')).statusCode, 404);
  for (const role of ['view', 'collaborate']) {
    await setMember(h, org.id, bob.id, role);
    const res = await create(bob.session, `By ${role}`);
    assert.equal(res.statusCode, 403, role);
    assert.equal(res.json().type, 'Forbidden');
  }
  await setMember(h, org.id, bob.id, 'edit');
  assert.equal((await create(bob.session, 'By Edit')).statusCode, 201);
  assert.equal((await create(h.userToken, 'x')).statusCode, 201);
  assert.equal(
    (await h.call(h.userToken, { method: 'POST', url: '/applications', payload: { name: 'y', orgId: newId() } })).statusCode,
    404,
  );

  await setMember(h, org.id, bob.id, 'view');
  for (const [who, token, own] of [
    ['owner', h.userToken, 'Test Application'],
    ['bob', bob.session, undefined],
  ] as const) {
    const apps = (await h.call(token, { method: 'GET', url: '/applications' })).json();
    const orgApps = apps.items.filter((a: { ownerType: string }) => a.ownerType === 'organization');
    assert.deepEqual(orgApps.map((a: { name: string }) => a.name).sort(), ['By Admin', 'By Edit', 'x'], who);
    for (const a of orgApps) assert.equal(a.organizationName, 'Acme');
    if (own) assert.ok(apps.items.some((a: { name: string }) => a.name === own));
    assert.equal(apps.totalCount, own ? 4 : 3, who);
  }
  const eveApps = (await h.call(eve.session, { method: 'GET', url: '/applications' })).json();
  assert.equal(eveApps.totalCount, 0);
  // Renaming the organization shows in the application's organizationName.
  await h.call(h.userToken, { method: 'PATCH', url: `/orgs/${org.id}`, payload: { name: 'Acme Two' } });
  const got = await h.call(bob.session, { method: 'GET', url: `/applications/${byAdmin.json().id}` });
  assert.equal(got.statusCode, 200);
  assert.equal(got.json().organizationName, 'Acme Two');
});
