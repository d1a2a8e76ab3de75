// Seeds a database through the storage port: a user, an application, a caller
// token with all.Application, and `count` more tokens, in bulk; and the tokens the
// verification scenarios verify.
import { generateToken } from '@latchkey/contract';
import { bootstrap } from '@latchkey/server/bootstrap';
import { newToken, type ApiTokenFields } from '@latchkey/server/new-token';
import { openStore } from '@latchkey/server/storage';
import { createHash } from 'node:crypto';

export interface Seeded {
  applicationId: string;
  token: string;
  tokenId: string;
  userToken: string;
  verification: VerificationTokens;
}

/** Token strings POST /verify is measured with, each an application token with all.Device. */
export interface VerificationTokens {
  /** No limits and no credits. */
  plain: string;
  /** One autoApply rate limit no benchmark reaches. */
  ratelimited: string;
  /** Credits no benchmark spends to the end. */
  credited: string;
}

/** Limits each verification token carries (the create body's fields). */
const verificationFields: Record<keyof VerificationTokens, ApiTokenFields> = {
  plain: { name: 'verify plain' },
  ratelimited: { name: 'verify ratelimited', ratelimits: [{ name: 'requests', limit: 1_000_000_000, duration: 60_000, autoApply: true }] },
  credited: { name: 'verify credited', credits: { remaining: 1_000_000_000_000 } },
};

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
    const mint = async (fields: ApiTokenFields, scope: string[]) => {
      const token = generateToken('application');
      const record = newToken(fields, {
        owner: { ownerType: 'application', ownerId: applicationId },
        creator: { creatorType: 'user', creatorId: boot.userId, creatorName: 'bench' },
        scope,
        at: Date.now(),
        hash: sha256(token),
      });
      await store.createToken(record);
      return { token, id: record.id };
    };
    const caller = await mint({ name: 'bench caller' }, ['all.Application']);
    const verification = {} as VerificationTokens;
    for (const [kind, fields] of Object.entries(verificationFields)) {
      verification[kind as keyof VerificationTokens] = (await mint(fields, ['all.Device'])).token;
    }
    return { applicationId, token: caller.token, tokenId: caller.id, userToken: boot.token, verification };
  } finally {
    await store.close();
  }
}
