// Preloaded into a latchkey server (node --import) to count its SQLite writes: every
// execution of an INSERT, UPDATE, DELETE or REPLACE statement through better-sqlite3,
// per table, and the bursts they came in (writes to a table more than a second after
// the previous one start a new burst: a usage flush is one burst). The counts are
// served as JSON on 127.0.0.1:WRITE_COUNTER_PORT, so the bench reads them over the
// requests it sent and nothing else.
import Database from 'better-sqlite3';
import { createServer } from 'node:http';

const burstGapMs = 1000;
const statementPrototype = Object.getPrototypeOf(new Database(':memory:').prepare('select 1'));
const writeShape = /^\s*(?:insert(?:\s+or\s+\w+)?\s+into|replace\s+into|update(?:\s+or\s+\w+)?|delete\s+from)\s+["`]?(\w+)/i;
const tables = new Map();

function count(source) {
  const table = writeShape.exec(source)?.[1];
  if (table === undefined) return;
  const now = Date.now();
  const seen = tables.get(table) ?? { writes: 0, bursts: 0, last: 0 };
  seen.writes++;
  if (now - seen.last > burstGapMs) seen.bursts++;
  seen.last = now;
  tables.set(table, seen);
}

for (const method of ['run', 'get', 'all', 'iterate']) {
  const original = statementPrototype[method];
  statementPrototype[method] = function (...args) {
    count(this.source);
    return original.apply(this, args);
  };
}

createServer((_req, res) => {
  const body = JSON.stringify(Object.fromEntries([...tables].map(([table, { writes, bursts }]) => [table, { writes, bursts }])));
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
})
  .listen(Number(process.env.WRITE_COUNTER_PORT), '127.0.0.1')
  .unref();
