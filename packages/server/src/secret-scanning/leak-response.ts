// What latchkey does with strings GitHub secret scanning reports (their signature
// already checked): each that is a real token (right shape and checksum, and its
// hash stored) follows its owner's tokenPolicy.leakPolicy: deactivate (default),
// revoke (delete) or notify (left as it is). Every one is audited as
// `<resource>.leak` by the actor `github`, with where it was reported; the entry
// rides on the write that changes the token, or is recorded alone. The answer is
// GitHub's feedback: true_positive for a real token, false_positive for the rest.
// A secret a rotation replaced is real while its grace period lasts: whatever the
// policy but notify, only that grace period ends (as POST /revoke does with it), so
// the leak of an old secret does not switch off the new one.
import { newId, parseToken, type GithubSecretFeedback, type GithubSecretReport } from '@latchkey/contract';
import { hashToken } from '../auth/token-hash.js';
import type { AuditEntry, FoundToken, Store, TokenRecord } from '../storage/port.js';
import { previousSecretLive } from '../tokens/rotation.js';
import { leakPolicyOf, tokenPolicyOf, type PolicyOwner } from '../tokens/token-policy.js';

type Label = GithubSecretFeedback[number]['label'];
type Match = GithubSecretReport[number];

export interface LeakReportContext {
  /** The clock (epoch ms). */
  now: () => number;
  /** The reporter's address, for the audit trail. */
  sourceAddress: string;
}

/** The audit resource of a token: the seam webhooks map `<resource>.leak` from. */
function resourceOf(record: TokenRecord): 'applicationApiToken' | 'userApiToken' | 'session' {
  return record.ownerType === 'application' ? 'applicationApiToken' : record.ownerType === 'user' ? 'userApiToken' : 'session';
}

/**
 * The token the string is, when it is one that still works: its prefix must agree
 * with what it belongs to, as on authentication, and a replaced secret must be in
 * its grace period.
 */
async function findToken(store: Store, token: string, now: number): Promise<FoundToken | undefined> {
  const kind = parseToken(token);
  if (kind === null) return undefined;
  const found = await store.findTokenByHash(hashToken(token));
  if (found?.ownerType !== kind) return undefined;
  return found.secret === 'previous' && !previousSecretLive(found, now) ? undefined : found;
}

async function respond(store: Store, record: FoundToken, match: Match, context: LeakReportContext, hash: Buffer): Promise<void> {
  // A login session is its user's, under the user's policy.
  const owner: PolicyOwner = { ownerType: record.ownerType === 'application' ? 'application' : 'user', ownerId: record.ownerId };
  const leakPolicy = leakPolicyOf(await tokenPolicyOf(store, owner));
  const at = Math.max(context.now(), record.updatedAt + 1);
  const audit: AuditEntry = {
    id: newId(at),
    at,
    actorType: 'github',
    actorId: null,
    action: `${resourceOf(record)}.leak`,
    targetType: record.ownerType === 'session' ? 'session' : 'apiToken',
    targetId: record.id,
    applicationId: record.ownerType === 'application' ? record.ownerId : null,
    orgId: null,
    sourceAddress: context.sourceAddress,
    outcome: 'success',
    detail: {
      ...(match.url === undefined ? {} : { url: match.url }),
      ...(match.source === undefined ? {} : { source: match.source }),
      leakPolicy,
      ...(record.secret === 'previous' ? { secret: 'previous' } : {}),
    },
  };
  const { ownerType, ownerId, id } = record;
  if (record.secret === 'previous') {
    if (leakPolicy !== 'notify' && (await store.revokeToken(ownerType, ownerId, id, hash, at, audit))) return;
    return store.recordAudit(audit);
  }
  // Changed or gone since it was read: the entry is recorded alone all the same.
  if (leakPolicy === 'revoke' && (await store.deleteToken(ownerType, ownerId, id, audit))) return;
  if (
    leakPolicy === 'deactivate' &&
    record.status === 'active' &&
    (await store.updateToken(ownerType, ownerId, id, { status: 'inactive' }, at, audit))
  ) {
    return;
  }
  await store.recordAudit(audit);
}

/** Handles a report, one match at a time, and labels every match (a token reported twice is handled once). */
export async function respondToLeaks(store: Store, report: GithubSecretReport, context: LeakReportContext): Promise<GithubSecretFeedback> {
  const labels = new Map<string, Label>();
  const feedback: GithubSecretFeedback = [];
  for (const match of report) {
    let label = labels.get(match.token);
    if (label === undefined) {
      const record = await findToken(store, match.token, context.now());
      if (record) await respond(store, record, match, context, hashToken(match.token));
      label = record ? 'true_positive' : 'false_positive';
      labels.set(match.token, label);
    }
    feedback.push({ token_raw: match.token, token_type: match.type, label });
  }
  return feedback;
}
