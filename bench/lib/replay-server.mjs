// Answers each recorded request with latchkey's recorded answer, byte for byte, and
// does nothing else: what sending those answers costs on this machine, through bare
// node:http (FRAMEWORK=node) or a bare Fastify app with one route (FRAMEWORK=fastify).
// ANSWERS names a JSON file of { key, status, headers: [name, value, ...], body (base64) }.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Fastify from 'fastify';

const answers = new Map(
  JSON.parse(readFileSync(process.env.ANSWERS, 'utf8')).map((a) => [a.key, { ...a, body: Buffer.from(a.body, 'base64') }]),
);
const keyOf = (req) => `${req.method} ${req.url} ${req.headers.authorization ?? ''}`;
const port = Number(process.env.PORT);
const ready = () => process.stdout.write('ready\n');

if (process.env.FRAMEWORK === 'fastify') {
  const app = Fastify({ logger: false });
  for (const answer of answers.values()) {
    // Fastify sets content-length itself.
    const headers = {};
    for (let i = 0; i < answer.headers.length; i += 2) {
      if (answer.headers[i].toLowerCase() !== 'content-length') headers[answer.headers[i]] = answer.headers[i + 1];
    }
    answer.headerObject = headers;
  }
  app.route({
    method: ['GET', 'POST'],
    url: '/*',
    handler: (request, reply) => {
      const answer = answers.get(keyOf(request.raw));
      if (!answer) return reply.code(404).send();
      return reply.code(answer.status).headers(answer.headerObject).send(answer.body);
    },
  });
  await app.listen({ port, host: '127.0.0.1' });
  ready();
} else {
  // Answered at once, as the baseline does; node:http discards an unread request body.
  createServer((req, res) => {
    const answer = answers.get(keyOf(req));
    if (!answer) return void res.writeHead(404).end();
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }).listen(port, '127.0.0.1', ready);
}
