// Rotates an application API token without downtime: the token gets a new secret
// (same id, name, scopes, limits, credits and usage history), and its old secret keeps
// working, answered as deprecated, for the grace period, so the services holding it
// can move to the new one. Prints the new secret (shown only this once) as JSON on
// stdout.
//
//   LATCHKEY_URL=http://localhost:8080 LATCHKEY_TOKEN=lku_... APPLICATION_ID=... TOKEN_ID=... \
//     npx tsx examples/rotate-token.ts
//
// Optional: GRACE_PERIOD, in seconds (default 3600; 0 ends the old secret at once; at
// most 2592000, 30 days). Rotating again during a grace period ends the earlier one.
// LATCHKEY_TOKEN needs applicationApiToken.patch on the application (all.Application or
// all.User do), and authority over the token's scopes and limits.
import { createClient, LatchkeyError } from '@latchkey/client';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name}.`);
    process.exit(1);
  }
  return value;
}

const url = process.env.LATCHKEY_URL ?? 'http://localhost:8080';
const accessToken = required('LATCHKEY_TOKEN');
const applicationId = required('APPLICATION_ID');
const apiTokenId = required('TOKEN_ID');
const gracePeriod = Number(process.env.GRACE_PERIOD ?? 3600);
if (!Number.isInteger(gracePeriod) || gracePeriod < 0) {
  console.error('GRACE_PERIOD must be a whole number of seconds.');
  process.exit(1);
}

const client = createClient({ url, accessToken, timeoutMs: 10_000 });

try {
  const rotated = await client.applicationApiToken.rotate({ applicationId, apiTokenId, rotation: { gracePeriod } });
  console.log(JSON.stringify({ id: rotated.id, name: rotated.name, scope: rotated.scope, token: rotated.token }, null, 2));
  const until = rotated.previousSecretExpiresAt;
  console.error(
    `Rotated "${rotated.name}" (${rotated.id}). ` +
      (until ? `The old secret keeps working until ${until}; ` : 'The old secret no longer works; ') +
      'store the new one now: it is not shown again.',
  );
} catch (error) {
  if (error instanceof LatchkeyError) console.error(`latchkey answered ${error.statusCode} ${error.type}: ${error.message}`);
  else console.error(error);
  process.exit(1);
}
