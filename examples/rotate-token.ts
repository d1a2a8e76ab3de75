// Rotates an application API token: creates a new token with the old one's name,
// description and scope, then deletes the old one. Prints the new token (its secret is
// shown only this once) as JSON on stdout.
//
//   LATCHKEY_URL=http://localhost:8080 LATCHKEY_TOKEN=lku_... APPLICATION_ID=... TOKEN_ID=... \
//     npx tsx examples/rotate-token.ts
//
// Optional: EXPIRATION_DATE (ISO 8601) for the new token; otherwise it never expires.
// LATCHKEY_TOKEN needs applicationApiTokens.post and applicationApiToken.get/.delete on
// the application (all.Application or all.User do), and may only grant what it holds.
import { applicationScopes, type ApplicationScope } from '@latchkey/contract';
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
const expirationDate = process.env.EXPIRATION_DATE;

const client = createClient({ url, accessToken, timeoutMs: 10_000 });
const known = new Set<string>(applicationScopes);
const isApplicationScope = (scope: string): scope is ApplicationScope => known.has(scope);

try {
  const old = await client.applicationApiToken.get({ applicationId, apiTokenId });
  const scope = old.scope.filter(isApplicationScope);
  if (scope.length !== old.scope.length) throw new Error(`Token ${apiTokenId} has scopes this client does not know`);

  const created = await client.applicationApiTokens.post({
    applicationId,
    apiToken: {
      name: old.name,
      ...(old.description ? { description: old.description } : {}),
      scope,
      ...(expirationDate ? { expirationDate } : {}),
    },
  });
  // Only once the new token exists is the old one deleted: a failure above leaves it working.
  await client.applicationApiToken.delete({ applicationId, apiTokenId });

  console.log(JSON.stringify({ id: created.id, name: created.name, scope: created.scope, token: created.token }, null, 2));
  console.error(`Rotated "${old.name}": ${apiTokenId} deleted, ${created.id} created. Store the new token now; it is not shown again.`);
} catch (error) {
  if (error instanceof LatchkeyError) console.error(`latchkey answered ${error.statusCode} ${error.type}: ${error.message}`);
  else console.error(error);
  process.exit(1);
}
