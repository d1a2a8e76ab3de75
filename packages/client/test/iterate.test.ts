// iterate walks a list page by page, lazily, and stops at the last page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../src/index.js';
import { startServer } from './live-server.js';

const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];

test('applicationApiTokens.iterate: perPage 2 over 5 tokens is 3 requests, made as the loop goes', async (t) => {
  const server = await startServer(t);
  const client = createClient({ url: server.url, accessToken: server.token });
  const { applicationId } = server;
  for (const name of [...names].reverse()) {
    await client.applicationApiTokens.post({ applicationId, apiToken: { name, scope: ['device.*'] } });
  }
  const lists = () => server.requests.filter((r) => r.startsWith(`GET /applications/${applicationId}/tokens?`));

  const seen: string[] = [];
  const requestsSeenAt: number[] = [];
  for await (const token of client.applicationApiTokens.iterate({ applicationId, perPage: 2, sortField: 'name' })) {
    seen.push(token.name);
    requestsSeenAt.push(lists().length);
  }
  assert.deepEqual(seen, names);
  // one request per page, each made only when the previous page was used up
  assert.deepEqual(requestsSeenAt, [1, 1, 2, 2, 3]);
  assert.deepEqual(
    lists().map((r) => new URL(r.split(' ')[1]!, 'http://x').searchParams.get('page')),
    ['0', '1', '2'],
  );

  // the query is kept on every page: descending, filtered
  const filtered: string[] = [];
  for await (const token of client.applicationApiTokens.iterate({
    applicationId,
    perPage: 2,
    sortField: 'name',
    sortDirection: 'desc',
    filterField: 'name',
    filter: '*a*',
  }))
    filtered.push(token.name);
  assert.deepEqual(filtered, ['delta', 'charlie', 'bravo', 'alpha']);

  // breaking out stops the requests
  const before = lists().length;
  for await (const token of client.applicationApiTokens.iterate({ applicationId, perPage: 2 })) {
    assert.equal(token.name, 'alpha');
    break;
  }
  assert.equal(lists().length, before + 1);

  // a start page is honoured; an exactly full last page needs no extra request
  const fromPage1: string[] = [];
  const beforeFull = lists().length;
  for await (const token of client.applicationApiTokens.iterate({
    applicationId,
    perPage: 2,
    page: 1,
    filter: '*a*',
    filterField: 'name',
  })) {
    fromPage1.push(token.name);
  }
  assert.deepEqual(fromPage1, ['charlie', 'delta']);
  assert.equal(lists().length, beforeFull + 1);

  // an empty list is one request and nothing yielded
  const none: unknown[] = [];
  for await (const token of client.applicationApiTokens.iterate({ applicationId, filterField: 'name', filter: 'zulu' })) none.push(token);
  assert.deepEqual(none, []);
});

test('userApiTokens, applications and orgs iterate across several pages', async (t) => {
  const server = await startServer(t);
  const client = createClient({ url: server.url, accessToken: server.token });
  for (const name of names) {
    await client.userApiTokens.post({ apiToken: { name, scope: ['all.User.read'] } });
    await client.applications.post({ application: { name } });
    await client.orgs.post({ organization: { name } });
  }
  const count = (prefix: string) => server.requests.filter((r) => r.startsWith(prefix)).length;

  const tokens: string[] = [];
  for await (const token of client.userApiTokens.iterate({ perPage: 2, sortField: 'name' })) tokens.push(token.name);
  // the bootstrap token is one of the user's tokens too
  assert.equal(tokens.length, 6);
  assert.deepEqual(
    tokens.filter((n) => names.includes(n)),
    names,
  );
  assert.equal(count('GET /me/tokens?'), 3);

  const applications: string[] = [];
  for await (const application of client.applications.iterate({ perPage: 2 })) applications.push(application.name);
  assert.deepEqual(
    applications,
    (await client.applications.get({ perPage: 100 })).items.map((a) => a.name),
  );
  assert.deepEqual([...applications].sort(), ['SDK', ...names]);
  assert.equal(count('GET /applications?'), 4); // 3 pages, and the check above

  const orgs: string[] = [];
  for await (const org of client.orgs.iterate({ perPage: 2, sortDirection: 'desc' })) orgs.push(org.name);
  assert.deepEqual(orgs, [...names].reverse());
  assert.equal(count('GET /orgs?'), 3);

  // without parameters: the server's default page size, one request
  const all: string[] = [];
  for await (const org of client.orgs.iterate()) all.push(org.name);
  assert.deepEqual(all, names);
  assert.equal(count('GET /orgs'), 4);
});
