// Login sessions ended together (Store.endSessions): a user's sessions are the
// api_tokens rows with owner_type 'session' and the user as owner; ending them
// deletes the rows, in one transaction with what ends them.
import type { Kysely } from 'kysely';
import type { SessionsEnd, SessionsEnded } from '../port.js';
import { appendAudit } from './audit.js';
import type { SqlDialect } from './dialect.js';
import type { Database } from './tables.js';
import { deactivateOwnerTokens, deleteOwnerTokens, insertTokens } from './tokens.js';

/**
 * The user's row first (updated with the new password, else locked where the
 * dialect has row locks): a sign-in storing a session takes a share lock on it
 * (insertOwnedTokens), so it commits before this transaction deletes the sessions,
 * or waits until it has committed. Undefined when there is no such user.
 */
export async function endSessions(
  db: Kysely<Database>,
  dialect: SqlDialect,
  userId: string,
  end: SessionsEnd,
): Promise<SessionsEnded | undefined> {
  if (end.keep && (end.keep.ownerType !== 'session' || end.keep.ownerId !== userId)) {
    throw new Error("endSessions: the session kept must be one of the user's");
  }
  return db.transaction().execute(async (trx) => {
    if (end.passwordHash !== undefined) {
      const result = await trx
        .updateTable('users')
        .set({ password_hash: end.passwordHash, password_updated_at: end.at, updated_at: end.at })
        .where('id', '=', userId)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return undefined;
    } else {
      const user = trx.selectFrom('users').select('id').where('id', '=', userId);
      if (!(await (dialect.rowLocks ? user.forUpdate() : user).executeTakeFirst())) return undefined;
    }
    const sessions = await deleteOwnerTokens(trx, 'session', userId);
    if (end.keep) await insertTokens(trx, [end.keep]);
    for (const entry of end.audit ?? []) await appendAudit(trx, entry);
    let deactivatedTokenIds: string[] = [];
    if (end.deactivateApiTokens) {
      deactivatedTokenIds = await deactivateOwnerTokens(trx, dialect, { ownerType: 'user', ownerId: userId }, end.at);
      for (const id of deactivatedTokenIds) await appendAudit(trx, end.deactivateApiTokens(id));
    }
    return { sessions, deactivatedTokenIds };
  });
}
