// A token acknowledged with 201 survives kill -9 of the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { bannerEnd, freePort, listTokens, parseFirstAdmin, sandbox, waitForStdout, listening } from './helpers/cli.js';

test('every acknowledged create is there after SIGKILL and restart', async (t) => {
  const box = await sandbox(t);
  const port = await freePort();
  const args = ['serve', '--port', String(port), '--host', '127.0.0.1', '--database', `sqlite:${join(box.dir, 'db.sqlite')}`];
  const server = box.spawn(args);
  await waitForStdout(server, bannerEnd);
  const admin = parseFirstAdmin(server.stdout);
  const url = `http://127.0.0.1:${port}/applications/${admin.applicationId}/tokens`;
  const acknowledged: string[] = [];
  const creates = Array.from({ length: 40 }, async (_, i) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `t${i}` }),
    }).catch(() => undefined);
    if (response?.status === 201) acknowledged.push(((await response.json()) as { id: string }).id);
  });
  // Kill while creates are still arriving.
  await new Promise((resolve) => setTimeout(resolve, 15));
  server.child.kill('SIGKILL');
  await Promise.all(creates);
  await server.exited;

  const restarted = box.spawn(args);
  await waitForStdout(restarted, listening);
  const response = await listTokens(port, admin.applicationId, admin.token);
  const ids = new Set(((await response.json()) as { items: Array<{ id: string }> }).items.map((i) => i.id));
  for (const id of acknowledged) assert.ok(ids.has(id), `acknowledged token ${id} is missing`);
  restarted.child.kill('SIGTERM');
  await restarted.exited;
});
