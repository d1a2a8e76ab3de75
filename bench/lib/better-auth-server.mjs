// better-auth's API-key plugin as a team would run it beside its service: one bare
// node:http route, POST /verify {key}, answered by auth.api.verifyApiKey, on SQLite
// through better-sqlite3 in WAL with synchronous=NORMAL (latchkey's default). Both
// of better-auth's rate limiters are off, so the route measures verification only.
// DATABASE names the SQLite file. On start it migrates, signs up one user, creates
// one API key and prints `ready <key>`. GET /stats answers the verifications served
// and the write statements and rows changed so far, so the bench can report writes
// per verification over exactly the requests it sent.
import { apiKey } from '@better-auth/api-key';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { createServer } from 'node:http';

const db = new Database(process.env.DATABASE);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');

// Kysely (better-auth's SQLite driver) prepares every statement it runs, so counting
// the prepared writes counts the writes.
let writeStatements = 0;
const prepare = db.prepare.bind(db);
db.prepare = (sql) => {
  if (/^\s*(insert|update|delete|replace)\b/i.test(sql)) writeStatements++;
  return prepare(sql);
};
const totalChanges = prepare('select total_changes() as n').pluck();

const options = {
  database: db,
  secret: 'bench-only secret, at least thirty-two characters long',
  baseURL: 'http://127.0.0.1',
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  logger: { disabled: true },
  plugins: [apiKey({ rateLimit: { enabled: false } })],
};
const auth = betterAuth(options);
await (await getMigrations(options)).runMigrations();

const { user } = await auth.api.signUpEmail({ body: { email: 'bench@example.com', password: 'bench password', name: 'bench' } });
const created = await auth.api.createApiKey({ body: { userId: user.id, name: 'bench', rateLimitEnabled: false } });

let verifications = 0;
const send = (res, status, value) => {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    return send(res, 200, { verifications, writeStatements, rowsChanged: totalChanges.get() });
  }
  if (req.method !== 'POST' || req.url !== '/verify') return send(res, 404, { error: 'not found' });
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let key;
    try {
      key = JSON.parse(Buffer.concat(chunks).toString()).key;
    } catch {
      return send(res, 400, { error: 'body is not JSON' });
    }
    auth.api.verifyApiKey({ body: { key } }).then(
      (answer) => {
        verifications++;
        send(res, 200, answer);
      },
      (error) => send(res, 500, { error: String(error) }),
    );
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write(`ready ${created.key}\n`));
