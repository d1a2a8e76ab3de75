// all.Organization and all.Organization.read cover organization-owned applications
// only, on every route: a user token holding only them can neither create nor list
// the user's own applications, just as it cannot read one of them; listing without
// an orgId gives the organizations' applications.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, mintToken } from './helpers/build.js';

for (const scope of ['all.Organization', 'all.Organization.read']) {
  test(`${scope}: the user's own applications are out of reach on every route; the organization's are not`, async (t) => {
    const h = await build(t);
    const org = await h.call(h.userToken, { method: 'POST', url: '/orgs', payload: { name: 'Acme' } });
    const orgId = org.json().id as string;
    const orgApp = await h.call(h.userToken, { method: 'POST', url: '/applications', payload: { name: 'Org App', orgId } });
    assert.equal(orgApp.statusCode, 201);
    const { token } = await mintToken(h.store, { ownerType: 'user', ownerId: h.userId }, { scope: [scope] });

    const refused = [
      await h.call(token, { method: 'POST', url: '/applications', payload: { name: 'Mine' } }),
      await h.call(token, { method: 'GET', url: '/applications?orgId=' }),
      await h.call(token, { method: 'GET', url: `/applications/${h.applicationId}` }),
    ];
    for (const res of refused) {
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().type, 'Forbidden');
    }

    for (const url of [`/applications?orgId=${orgId}`, '/applications']) {
      const listed = await h.call(token, { method: 'GET', url });
      assert.equal(listed.statusCode, 200, url);
      assert.deepEqual(
        listed.json().items.map((a: { id: string }) => a.id),
        [orgApp.json().id],
        url,
      );
      assert.equal(listed.json().totalCount, 1, url);
    }
    assert.equal((await h.call(token, { method: 'GET', url: `/applications/${orgApp.json().id}` })).statusCode, 200);
    const created = await h.call(token, { method: 'POST', url: '/applications', payload: { name: 'Org Two', orgId } });
    assert.equal(created.statusCode, scope === 'all.Organization' ? 201 : 403);
    // Nothing personal was created.
    const own = await h.call(h.userToken, { method: 'GET', url: '/applications?orgId=' });
    assert.deepEqual(
      own.json().items.map((a: { id: string }) => a.id),
      [h.applicationId],
    );
  });
}

test('all.User keeps creating and listing its own applications', async (t) => {
  const h = await build(t);
  const created = await h.call(h.userToken, { method: 'POST', url: '/applications', payload: { name: 'Mine' } });
  assert.equal(created.statusCode, 201);
  assert.equal((await h.call(h.userToken, { method: 'GET', url: '/applications?orgId=' })).json().totalCount, 2);
  assert.equal((await h.call(h.userToken, { method: 'GET', url: '/applications' })).json().totalCount, 2);
});
