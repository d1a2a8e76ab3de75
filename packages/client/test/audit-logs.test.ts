// The audit-trail methods of the SDK against a live server: application.auditLogs,
// org.auditLogs and me.auditLogs send the filters and paging as the query and read
// the page back; a bad range is the server's 400.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../src/index.js';
import { rejectsWith } from './assertions.js';
import { startServer } from './live-server.js';

test('application.auditLogs, org.auditLogs and me.auditLogs read the trails with their filters', async (t) => {
  const server = await startServer(t);
  const client = createClient({ url: server.url, accessToken: server.token });
  const start = new Date(Date.now() - 1000).toISOString();
  const made = await client.applicationApiTokens.post({
    applicationId: server.applicationId,
    apiToken: { name: 'audited', scope: ['device.*'] },
  });
  await client.applicationApiToken.patch({ applicationId: server.applicationId, apiTokenId: made.id, apiToken: { name: 'renamed' } });
  const org = await client.orgs.post({ organization: { name: 'Audited org' } });
  const member = await server.addUser('member@example.com');
  await client.org.modifyMember({ orgId: org.id, member: { userId: member.userId, role: 'view' } });

  const appTrail = await client.application.auditLogs({
    applicationId: server.applicationId,
    filterField: 'action',
    filter: 'applicationApiToken.*',
    actorType: 'apiToken',
    start,
    perPage: 1,
  });
  assert.deepEqual(
    appTrail.items.map((e) => e.action),
    ['applicationApiToken.update'],
  );
  assert.equal(appTrail.totalCount, 2);
  assert.equal(appTrail.applicationId, server.applicationId);
  const second = await client.application.auditLogs({
    applicationId: server.applicationId,
    filterField: 'action',
    filter: 'applicationApiToken.*',
    perPage: 1,
    page: 1,
  });
  assert.deepEqual(
    second.items.map((e) => [e.action, e.targetId]),
    [['applicationApiToken.create', made.id]],
  );

  const orgTrail = await client.org.auditLogs({ orgId: org.id });
  assert.deepEqual(
    orgTrail.items.map((e) => e.action),
    ['org.modifyMember', 'org.create'],
  );
  // The member reads it too, with a token of their own.
  const memberClient = createClient({ url: server.url, accessToken: member.token });
  assert.equal((await memberClient.org.auditLogs({ orgId: org.id, actorId: server.userId })).totalCount, 0);
  assert.equal((await memberClient.org.auditLogs({ orgId: org.id, filterField: 'action', filter: 'org.create' })).totalCount, 1);

  // Mine, by my token: everything above.
  const [myToken] = (await client.userApiTokens.get()).items;
  const mine = await client.me.auditLogs({ actorType: 'apiToken', actorId: myToken!.id });
  assert.equal(mine.userId, server.userId);
  assert.deepEqual(
    mine.items.map((e) => e.action),
    ['org.modifyMember', 'org.create', 'applicationApiToken.update', 'applicationApiToken.create'],
  );
  // The member's: being added, and the creation of their token (by the operator's bootstrap).
  const [memberToken] = (await memberClient.userApiTokens.get()).items;
  const theirs = await memberClient.me.auditLogs();
  assert.deepEqual(
    theirs.items.map((e) => [e.action, e.targetId]),
    [
      ['org.modifyMember', member.userId],
      ['userApiToken.create', memberToken!.id],
    ],
  );

  const error = await rejectsWith(client.me.auditLogs({ start, end: new Date(Date.parse(start) - 1).toISOString() }), 400, 'Validation');
  assert.match(error.message, /no later than the end/);
});
