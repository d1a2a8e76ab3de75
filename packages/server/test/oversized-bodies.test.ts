// Bodies over the limit on a listening server: the answer is always read. The server
// answers before the client has sent everything, so it must read (and discard) the
// rest before closing: closed while the client is still sending, the client's next
// write fails (EPIPE) and fetch never hands over the answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type AddressInfo } from 'node:net';
import { build } from './helpers/build.js';

const mib = 1024 * 1024;

/** A body sent the way a slow client sends it: a chunk at a time, with pauses between. */
function slowBody(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      if (sent >= bytes) return controller.close();
      await new Promise((resolve) => setTimeout(resolve, 2));
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

test('50 oversized bodies sent through fetch: 50 answers read, 413 (or 401 for a token that cannot be valid)', async (t) => {
  const h = await build(t);
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  const tokens = `/applications/${h.applicationId}/tokens`;
  // [method, path, token, expected status]: authenticated routes refuse a bad token
  // before reading any body; routes that need none read it, and find it too large.
  const cases: Array<[string, string, string | undefined, number]> = [
    ['POST', tokens, h.userToken, 413],
    ['PATCH', `/applications/${h.applicationId}`, h.userToken, 413],
    ['PUT', `/applications/${h.applicationId}`, h.userToken, 413],
    ['POST', '/auth/user', undefined, 413],
    ['POST', '/auth/user', 'garbage', 413],
    ['POST', tokens, 'garbage', 401],
    ['PATCH', `/applications/${h.applicationId}`, undefined, 401],
  ];
  const answers = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      const [method, path, token, expected] = cases[i % cases.length]!;
      const init = {
        method,
        duplex: 'half',
        // Half stream a body of unknown length, half declare 3 MiB up front.
        body: i % 2 === 0 ? slowBody(3 * mib) : JSON.stringify({ name: 'x', description: 'y'.repeat(3 * mib) }),
        headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      } as RequestInit;
      try {
        const res = await fetch(base + path, init);
        return { expected, status: res.status, body: (await res.json()) as { type: string; message: string } };
      } catch (error) {
        return { expected, status: 0, body: { type: 'fetch failed', message: String((error as { cause?: unknown }).cause ?? error) } };
      }
    }),
  );
  const failed = answers.filter((a) => a.status !== a.expected);
  assert.deepEqual(failed, [], `${failed.length} of 50 not answered as expected`);
  for (const { status, body } of answers) {
    assert.deepEqual(Object.keys(body).sort(), ['message', 'type']);
    assert.equal(body.type, status === 413 ? 'PayloadTooLarge' : 'Unauthorized');
  }
  // The server still answers normally afterwards.
  assert.equal((await fetch(`${base}${tokens}`, { headers: { authorization: `Bearer ${h.userToken}` } })).status, 200);
});

/** Sends an endless chunked body; resolves with what came back and the bytes sent once the server closes. */
function endlessBody(port: number, head: string): Promise<{ answer: string; sent: number }> {
  return new Promise((resolve) => {
    const chunk = `${(64 * 1024).toString(16)}\r\n${'a'.repeat(64 * 1024)}\r\n`;
    let answer = '';
    let sent = 0;
    let open = true;
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
      const pump = () => {
        while (open && socket.write(chunk)) sent += chunk.length;
        if (open) sent += chunk.length;
      };
      socket.on('drain', pump);
      pump();
    });
    socket.on('data', (data) => (answer += data.toString()));
    const finish = () => {
      if (!open) return;
      open = false;
      resolve({ answer, sent });
    };
    socket.on('error', finish);
    socket.on('close', finish);
  });
}

// Without a bound, the server would read forever: the timeout makes that a failure.
test('a body that never ends is read up to a bound, then the connection is closed', { timeout: 60_000 }, async (t) => {
  const h = await build(t);
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = h.app.server.address() as AddressInfo;
  const chunked = 'transfer-encoding: chunked\r\ncontent-type: application/json\r\n\r\n';
  for (const [head, status] of [
    // Refused early (no token), then the rest thrown away.
    [`POST /applications HTTP/1.1\r\nhost: x\r\n${chunked}`, 401],
    // Over the limit: read up to the bound, then refused.
    [`POST /auth/user HTTP/1.1\r\nhost: x\r\n${chunked}`, 413],
  ] as const) {
    const { answer, sent } = await endlessBody(port, head);
    assert.match(answer, new RegExp(`^HTTP/1.1 ${status} `), head);
    assert.ok(sent < 512 * mib, `the server closed the connection after ${sent} bytes`);
  }
});
