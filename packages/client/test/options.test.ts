// setOption / getOption for url, accessToken and timeoutMs, as in losant-rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../src/index.js';
import { rejectsWith } from './assertions.js';
import { startServer } from './live-server.js';

test('getOption answers what createClient and setOption set; later calls use it', async (t) => {
  const first = await startServer(t);
  const second = await startServer(t);
  const client = createClient({ url: `${first.url}/` });
  assert.equal(client.getOption('url'), `${first.url}/`);
  assert.equal(client.getOption('accessToken'), undefined);
  assert.equal(client.getOption('timeoutMs'), undefined);

  await rejectsWith(client.me.get(), 401, 'Unauthorized');
  assert.equal(client.setOption('accessToken', first.token), client);
  assert.equal(client.getOption('accessToken'), first.token);
  assert.equal((await client.me.get()).id, first.userId);

  client.setOption('url', second.url).setOption('accessToken', second.token).setOption('timeoutMs', 2000);
  assert.equal(client.getOption('url'), second.url);
  assert.equal(client.getOption('timeoutMs'), 2000);
  assert.equal((await client.me.get()).id, second.userId);

  client.setOption('accessToken', undefined);
  assert.equal(client.getOption('accessToken'), undefined);
  await rejectsWith(client.me.get(), 401, 'Unauthorized');
  // a per-call access token, as losant-rest's second argument
  assert.equal((await client.me.get({}, { accessToken: second.token })).id, second.userId);
});

test('invalid options are refused at once', () => {
  assert.throws(() => createClient({ url: '' }), TypeError);
  assert.throws(() => createClient(undefined as never), TypeError);
  const client = createClient({ url: 'http://localhost:1' });
  assert.throws(() => client.setOption('timeoutMs', -1), TypeError);
  assert.throws(() => client.setOption('timeoutMs', Number.NaN), TypeError);
  assert.throws(() => client.setOption('url', 42 as never), TypeError);
  assert.throws(() => client.setOption('nope' as never, 1 as never), TypeError);
  assert.equal(client.getOption('url'), 'http://localhost:1');
});
