// Usage buckets (migration 0010): verifications per token, outcome and UTC minute,
// hour and day. A batch is added to all three resolutions in one transaction, so
// every resolution is current and exact without a roll-up job; retention only drops
// buckets past their age.
import { usageResolutions, type UsageResolution } from '@latchkey/contract';
import type { Kysely, Transaction } from 'kysely';
import type { OwnerType, TokenUsageTotal, UsageBucket, UsageCount, UsageCutoffs, UsageRange } from '../port.js';
import { bucketStart } from '../../usage/usage-buckets.js';
import type { Database, UsageTable } from './tables.js';

type Db = Kysely<Database> | Transaction<Database>;

// The three tables have one shape: queries are typed against one of them.
type UsageTableName = 'usage_minutes';
const tables: Record<UsageResolution, UsageTableName> = {
  minute: 'usage_minutes',
  hour: 'usage_hours' as UsageTableName,
  day: 'usage_days' as UsageTableName,
};

// 500 rows of 6 columns stay far under every dialect's bound-parameter limit.
const chunkRows = 500;

/** The counts summed per bucket of one resolution, in key order (so concurrent batches lock rows in one order). */
function rowsOf(resolution: UsageResolution, counts: readonly UsageCount[]): UsageTable[] {
  const rows = new Map<string, UsageTable>();
  for (const c of counts) {
    const bucket = bucketStart(resolution, c.minute);
    const key = `${c.tokenId} ${String(bucket).padStart(16, '0')} ${c.code}`;
    const row = rows.get(key);
    if (row) row.count += c.count;
    else rows.set(key, { token_id: c.tokenId, bucket, code: c.code, owner_type: c.ownerType, owner_id: c.ownerId, count: c.count });
  }
  return [...rows].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row);
}

export async function addUsage(db: Kysely<Database>, counts: readonly UsageCount[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const resolution of usageResolutions) {
      const table = tables[resolution];
      const rows = rowsOf(resolution, counts);
      for (let i = 0; i < rows.length; i += chunkRows) {
        await trx
          .insertInto(table)
          .values(rows.slice(i, i + chunkRows))
          .onConflict((oc) =>
            oc
              .columns(['token_id', 'bucket', 'code'])
              .doUpdateSet((eb) => ({ count: eb(`${table}.count`, '+', eb.ref('excluded.count')) })),
          )
          .execute();
      }
    }
  });
}

function inRange(db: Db, range: Omit<UsageRange, 'tokenId'> & { tokenId?: string | undefined }) {
  let query = db
    .selectFrom(tables[range.resolution])
    .where('owner_id', '=', range.ownerId)
    .where('owner_type', '=', range.ownerType)
    .where('bucket', '>=', range.start)
    .where('bucket', '<', range.end);
  if (range.tokenId !== undefined) query = query.where('token_id', '=', range.tokenId);
  return query;
}

export async function readUsage(db: Db, range: UsageRange): Promise<UsageBucket[]> {
  const rows = await inRange(db, range)
    .select(['bucket', 'code', (eb) => eb.fn.sum<number>('count').as('n')])
    .groupBy(['bucket', 'code'])
    .orderBy('bucket')
    .orderBy('code')
    .execute();
  // PostgreSQL sums bigints as numeric, which its driver hands over as text.
  return rows.map((r) => ({ time: Number(r.bucket), code: r.code, count: Number(r.n) }));
}

export async function topUsageTokens(db: Db, range: Omit<UsageRange, 'tokenId'>, limit: number): Promise<TokenUsageTotal[]> {
  const top = await inRange(db, range)
    .select(['token_id', (eb) => eb.fn.sum<number>('count').as('total')])
    .groupBy('token_id')
    .orderBy('total', 'desc')
    .orderBy('token_id')
    .limit(limit)
    .execute();
  if (top.length === 0) return [];
  const rows = await inRange(db, range)
    .where(
      'token_id',
      'in',
      top.map((t) => t.token_id),
    )
    .select(['token_id', 'code', (eb) => eb.fn.sum<number>('count').as('n')])
    .groupBy(['token_id', 'code'])
    .execute();
  return rows.map((r) => ({ tokenId: r.token_id, code: r.code, count: Number(r.n) }));
}

/** Returns whether anything was dropped. */
export async function pruneUsage(db: Kysely<Database>, cutoffs: UsageCutoffs): Promise<boolean> {
  let dropped = 0n;
  for (const resolution of usageResolutions) {
    const before = cutoffs[resolution];
    if (before === undefined) continue;
    const result = await db.deleteFrom(tables[resolution]).where('bucket', '<', before).executeTakeFirst();
    dropped += result.numDeletedRows;
  }
  return dropped > 0n;
}

/** Within the transaction deleting the owner (an application): its usage goes with it. */
export async function deleteOwnerUsage(trx: Db, ownerType: OwnerType, ownerId: string): Promise<void> {
  for (const resolution of usageResolutions) {
    await trx.deleteFrom(tables[resolution]).where('owner_id', '=', ownerId).where('owner_type', '=', ownerType).execute();
  }
}

export async function findTokenOwners(
  db: Db,
  ids: readonly string[],
): Promise<Array<{ id: string; ownerType: OwnerType; ownerId: string }>> {
  const unique = [...new Set(ids)];
  const found: Array<{ id: string; ownerType: OwnerType; ownerId: string }> = [];
  for (let i = 0; i < unique.length; i += chunkRows) {
    const rows = await db
      .selectFrom('api_tokens')
      .select(['id', 'owner_type', 'owner_id'])
      .where('id', 'in', unique.slice(i, i + chunkRows))
      .execute();
    for (const r of rows) found.push({ id: r.id, ownerType: r.owner_type, ownerId: r.owner_id });
  }
  return found;
}
