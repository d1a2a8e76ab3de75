// The usage methods of the SDK against a live server: verifications reported by a
// verifier (POST /verify/usage) come back from application, applicationApiToken
// and userApiToken usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../src/index.js';
import { rejectsWith } from './assertions.js';
import { startServer } from './live-server.js';

const introspectionSecret = 'client-usage-test-secret';

test('application.usage, applicationApiToken.usage and userApiToken.usage read reported verifications', async (t) => {
  const server = await startServer(t, undefined, { introspectionSecret });
  const client = createClient({ url: server.url, accessToken: server.token });
  const appToken = await client.applicationApiTokens.post({
    applicationId: server.applicationId,
    apiToken: { name: 'device', scope: ['device.*'] },
  });
  const userToken = await client.userApiTokens.post({ apiToken: { name: 'script', scope: ['all.User.read'] } });
  const time = new Date().toISOString();
  const reported = await fetch(`${server.url}/verify/usage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${introspectionSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      usage: [
        { tokenId: appToken.id, code: 'VALID', time, count: 6 },
        { tokenId: appToken.id, code: 'RATE_LIMITED', time, count: 2 },
        { tokenId: userToken.id, code: 'DISABLED', time, count: 1 },
      ],
    }),
  });
  assert.deepEqual(await reported.json(), { accepted: 3, ignored: 0 });

  const minute = new Date(Date.parse(time) - (Date.parse(time) % 60_000)).toISOString();
  const tokenUsage = await client.applicationApiToken.usage({
    applicationId: server.applicationId,
    apiTokenId: appToken.id,
    resolution: 'minute',
  });
  assert.deepEqual(tokenUsage, { items: [{ time: minute, counts: { VALID: 6, RATE_LIMITED: 2 } }], totals: { VALID: 6, RATE_LIMITED: 2 } });

  const appUsage = await client.application.usage({ applicationId: server.applicationId, resolution: 'day' });
  assert.deepEqual(appUsage.totals, { VALID: 6, RATE_LIMITED: 2 });
  assert.deepEqual(appUsage.topTokens, [{ apiTokenId: appToken.id, name: 'device', total: 8, totals: { VALID: 6, RATE_LIMITED: 2 } }]);

  assert.deepEqual((await client.userApiToken.usage({ apiTokenId: userToken.id })).totals, { DISABLED: 1 });

  const now = new Date().toISOString();
  await rejectsWith(client.userApiToken.usage({ apiTokenId: userToken.id, start: now, end: now }), 400, 'Validation');
  await rejectsWith(client.applicationApiToken.usage({ applicationId: server.applicationId, apiTokenId: userToken.id }), 404, 'NotFound');
});
