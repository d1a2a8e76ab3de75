// Seeds a database through the storage port: a user, an application, a caller
// token with all.Application, and `count` more tokens, in bulk.
import { generateToken } from '@latchkey/contract';
import { bootstrap } from '@latchkey/server/bootstrap';
import { newToken } from '@latchkey/server/new-token';
import { openStore } from '@latchkey/server/storage';
import { createHash } from 'node:crypto';

export interface Seeded {
  applicationId: string;
  token: string;
  tokenId: string;
  userToken: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

export function fakeTokens(applicationId: string, count: number, now = Date.now()) {
  return Array.from({ length: count }, (_, i) =>
    newToken(
      { name: `token-${(i * 7919) % count}-${i}`, status: i % 5 === 0 ? 'inactive' : 'active' },
      {
        owner: { ownerType: 'application', ownerId: applicationId },
        creator: { creatorType: 'user', creatorId: applicationId, creatorName: 'bench' },
        scope: ['all.Device'],
        expiresAt: i % 3 === 0 ? null : now + (i + 1) * 60_000,
        at: now - i * 1000,
        // Never-issued secrets: these tokens exist to be listed, not used.
        hash: sha256(`bench-${applicationId}-${i}`),
      },
    ),
  );
}

export async function seed(databaseUrl: string, count: number, options: { schema?: string } = {}): Promise<Seeded> {
  const store = await openStore(databaseUrl, options.schema === undefined ? {} : { schema: options.schema });
  try {
    const boot = await bootstrap(store, { email: 'bench@example.com', password: 'bench password', applicationName: 'Bench' });
    const applicationId = boot.applicationId!;
    await store.createTokens(fakeTokens(applicationId, count));
    const token = generateToken('application');
    const caller = newToken(
      { name: 'bench caller' },
      {
        owner: { ownerType: 'application', ownerId: applicationId },
        creator: { creatorType: 'user', creatorId: boot.userId, creatorName: 'bench' },
        scope: ['all.Application'],
        at: Date.now(),
        hash: sha256(token),
      },
    );
    await store.createToken(caller);
    return { applicationId, token, tokenId: caller.id, userToken: boot.token };
  } finally {
    await store.close();
  }
}
