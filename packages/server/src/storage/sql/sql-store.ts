// The Store implemented once over Kysely. An adapter (storage/<name>/index.ts)
// supplies the rest as an SqlAdapter: its dialect's capabilities, the hot reads
// its fastest way, and, when other nodes share the database, a way to tell them.
// Every write announces what it changed (StoreEvent) once it has committed.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import type {
  ConnectionPoolState,
  PeerNotificationLag,
  AttemptOutcome,
  DeliveryListQuery,
  TokenEvent,
  WebhookAttemptRecord,
  WebhookClaim,
  WebhookDeliveryRecord,
  WebhookListQuery,
  WebhookOwnerType,
  WebhookPatch,
  WebhookRecord,
  CreditSpend,
  CreditSpent,
  ApplicationOwnerFilter,
  ApplicationRecord,
  AuditEntry,
  AuditQuery,
  HotReads,
  MemberRecord,
  NewToken,
  OrganizationPatch,
  OrganizationRecord,
  OwnerType,
  PageQuery,
  Role,
  SessionsEnd,
  SessionsEnded,
  Store,
  StoreEvent,
  TokenListQuery,
  TokenPage,
  TokenPatch,
  TokenRecord,
  TokenRotation,
  TokenSecret,
  TokenUsageTotal,
  UsageBucket,
  UsageCount,
  UsageCutoffs,
  UsageRange,
  UserPatch,
  UserRecord,
} from '../port.js';
import type { Database } from './tables.js';
import type { SqlDialect } from './dialect.js';
import { globToLike } from './glob.js';
import { applicationFromRow, organizationFromRow, tokenPolicyColumn, userFromRow } from './rows.js';
import { appendAudit, listAudit } from './audit.js';
import { endSessions } from './sessions.js';
import { addUsage, deleteOwnerUsage, findTokenOwners, pruneUsage, readUsage, topUsageTokens } from './usage.js';
import {
  deleteOwnerTokens,
  deleteToken,
  insertTokens,
  listTokens,
  ownersOf,
  revokeToken,
  rotateToken,
  touchToken,
  updateToken,
  type CreditSpends,
} from './tokens.js';
import {
  claimDeliveries,
  enqueueCreditCrossings,
  enqueueEvents,
  listDeliveries,
  listExpiringTokens,
  nextDueAt,
  outboxDepth,
  pruneDeliveries,
  recordAttempt,
  redeliver,
} from './webhook-outbox.js';
import { createWebhook, deleteOwnerWebhooks, deleteWebhook, getWebhook, listWebhooks, updateWebhook } from './webhooks.js';

/** Other nodes on the same database, told of this node's writes and telling it theirs. */
export interface Peers {
  /** Resolves once the other nodes have been sent these events. */
  publish(events: readonly StoreEvent[]): Promise<void>;
  /** Starts receiving the other nodes' events; resolves once it does. */
  listen(receive: (event: StoreEvent) => void): Promise<void>;
  close(): Promise<void>;
  /** The others' notifications received since the last call, and the longest lag. */
  lag(): PeerNotificationLag;
}

export interface SqlAdapter {
  readonly dialect: SqlDialect;
  /** The hot reads, and the spend of credits (each adapter's prepared statements). */
  readonly hotReads: HotReads & CreditSpends;
  /** Absent when the database cannot be shared (SQLite: one process). */
  readonly peers?: Peers;
  /** Releases what the adapter holds besides the Kysely instance (run after it is destroyed). */
  close?(): Promise<void>;
  /** Absent when the adapter has no pool (SQLite). */
  pool?(): ConnectionPoolState;
}

const pageSortColumns = {
  name: 'name',
  id: 'id',
  creationDate: 'created_at',
  lastUpdated: 'updated_at',
  ownerId: 'owner_id',
} as const;

/** One page of a collection (sorted, ties broken by id) and its total count. */
async function pageOf<TB extends 'applications' | 'organizations'>(
  base: SelectQueryBuilder<Database, TB, object>,
  query: PageQuery,
  column: string,
): Promise<{ rows: Selectable<Database[TB]>[]; totalCount: number }> {
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy(sql.ref(column), query.sortDirection)
      .orderBy(sql.ref('id'), query.sortDirection)
      .limit(query.perPage)
      .offset(query.page * query.perPage)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  // Kysely cannot name selectAll's row type for a generic table; it is that table's row.
  return { rows: rows as unknown as Selectable<Database[TB]>[], totalCount: Number(count.n) };
}

function likeGlob(column: string, glob: string) {
  return sql<boolean>`lower(${sql.ref(column)}) like ${globToLike(glob.toLowerCase())} escape '\\'`;
}

/**
 * Makes the organization's member changes run one at a time (until this
 * transaction ends), so a check of its members holds when the change commits: two
 * admins demoting each other at once must not both see the other still an admin.
 * Row locks where the database has them; SQLite runs one transaction at a time.
 */
async function lockOrganization(trx: Kysely<Database>, dialect: SqlDialect, orgId: string): Promise<void> {
  if (dialect.rowLocks) {
    await trx.selectFrom('organizations').select('id').where('id', '=', orgId).forUpdate().execute();
  }
}

export class SqlStore implements Store {
  readonly kind: Store['kind'];
  readonly findTokenByHash: HotReads['findTokenByHash'];
  readonly getToken: HotReads['getToken'];
  readonly getTokens: HotReads['getTokens'];
  readonly getApplication: HotReads['getApplication'];
  readonly listTokenRefs: HotReads['listTokenRefs'];
  readonly isUnavailable: (error: unknown) => boolean;
  readonly #listeners: Array<(event: StoreEvent) => void> = [];
  /** Who this store instance claims webhook deliveries as (one per node). */
  readonly #claimant = randomUUID();
  #closing: Promise<void> | undefined;

  private constructor(
    private readonly db: Kysely<Database>,
    private readonly adapter: SqlAdapter,
  ) {
    const { dialect, hotReads } = adapter;
    this.kind = dialect.kind;
    this.isUnavailable = dialect.isUnavailable;
    // The adapter's own functions, not wrappers: these run on every request.
    this.findTokenByHash = hotReads.findTokenByHash.bind(hotReads);
    this.getToken = hotReads.getToken.bind(hotReads);
    this.getTokens = hotReads.getTokens.bind(hotReads);
    this.getApplication = hotReads.getApplication.bind(hotReads);
    this.listTokenRefs = hotReads.listTokenRefs.bind(hotReads);
  }

  /** A store on a migrated database, receiving other nodes' events once it resolves. */
  static async start(db: Kysely<Database>, adapter: SqlAdapter): Promise<SqlStore> {
    const store = new SqlStore(db, adapter);
    await adapter.peers?.listen((event) => store.#emit(event));
    return store;
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  connectionPool(): ConnectionPoolState | undefined {
    return this.adapter.pool?.();
  }

  peerNotificationLag(): PeerNotificationLag | undefined {
    return this.adapter.peers?.lag();
  }

  subscribe(listener: (event: StoreEvent) => void): void {
    this.#listeners.push(listener);
  }

  #emit(event: StoreEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  /** After a commit: this process's listeners now, then the other nodes. */
  async #announce(...events: StoreEvent[]): Promise<void> {
    for (const event of events) this.#emit(event);
    await this.adapter.peers?.publish(events);
  }

  async countUsers(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async createUser(user: UserRecord): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: user.id,
        email: user.email.toLowerCase(),
        first_name: user.firstName,
        last_name: user.lastName,
        password_hash: user.passwordHash,
        created_at: user.createdAt,
        updated_at: user.updatedAt,
        password_updated_at: user.passwordUpdatedAt,
        token_policy: tokenPolicyColumn(user.tokenPolicy),
      })
      .execute();
    await this.#announce({ kind: 'user', id: user.id });
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && userFromRow(row);
  }

  async findUserByEmail(email: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
    return row && userFromRow(row);
  }

  async createApplication(application: ApplicationRecord, audit?: AuditEntry): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('applications')
        .values({
          id: application.id,
          owner_type: application.ownerType,
          owner_id: application.ownerId,
          name: application.name,
          description: application.description,
          created_at: application.createdAt,
          updated_at: application.updatedAt,
        })
        .execute();
      await appendAudit(trx, audit);
    });
    await this.#announce({ kind: 'application', id: application.id });
  }

  async findApplicationByName(ownerId: string, name: string): Promise<ApplicationRecord | undefined> {
    const row = await this.db
      .selectFrom('applications')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .where('name', '=', name)
      .orderBy('id')
      .executeTakeFirst();
    return row && applicationFromRow(row);
  }

  async endSessions(userId: string, end: SessionsEnd): Promise<SessionsEnded | undefined> {
    const ended = await endSessions(this.db, this.adapter.dialect, userId, end);
    if (!ended) return undefined;
    await this.#announce(
      { kind: 'sessions', userId, kept: end.keep?.id ?? null },
      ...(end.passwordHash !== undefined ? [{ kind: 'user' as const, id: userId }] : []),
      ...(end.keep ? [{ kind: 'tokens-created' as const, ownerType: 'session' as const, ownerId: userId }] : []),
      ...ended.deactivatedTokenIds.map((id) => ({ kind: 'token' as const, id, ownerType: 'user' as const, ownerId: userId })),
    );
    return ended;
  }

  async updateUser(id: string, patch: UserPatch, at: number, audit?: AuditEntry): Promise<UserRecord | undefined | 'email-taken'> {
    const email = patch.email?.toLowerCase();
    const updated = await this.db.transaction().execute(async (trx) => {
      if (email !== undefined) {
        // The unique index would refuse it too, but as an error the caller cannot tell from others.
        const holder = await trx.selectFrom('users').select('id').where('email', '=', email).where('id', '!=', id).executeTakeFirst();
        if (holder) return 'email-taken' as const;
      }
      const row = await trx
        .updateTable('users')
        .set({
          updated_at: at,
          ...(email === undefined ? {} : { email }),
          ...(patch.firstName === undefined ? {} : { first_name: patch.firstName }),
          ...(patch.lastName === undefined ? {} : { last_name: patch.lastName }),
          ...(patch.tokenPolicy === undefined ? {} : { token_policy: tokenPolicyColumn(patch.tokenPolicy) }),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row) await appendAudit(trx, audit);
      return row && userFromRow(row);
    });
    if (updated !== undefined && updated !== 'email-taken') await this.#announce({ kind: 'user', id });
    return updated;
  }

  async listApplications(
    userId: string,
    query: PageQuery,
    owner?: ApplicationOwnerFilter,
  ): Promise<{ items: ApplicationRecord[]; totalCount: number }> {
    let base = this.db
      .selectFrom('applications')
      .where((eb) =>
        eb.or([
          eb.and([eb('owner_type', '=', 'user'), eb('owner_id', '=', userId)]),
          eb.and([
            eb('owner_type', '=', 'organization'),
            eb('owner_id', 'in', eb.selectFrom('org_members').select('org_id').where('user_id', '=', userId)),
          ]),
        ]),
      );
    if (owner) base = base.where('owner_type', '=', owner.ownerType);
    if (owner?.ownerType === 'organization' && owner.orgId !== undefined) base = base.where('owner_id', '=', owner.orgId);
    if (query.filter) base = base.where(likeGlob('name', query.filter));
    const { rows, totalCount } = await pageOf(base, query, pageSortColumns[query.sortField]);
    return { items: rows.map(applicationFromRow), totalCount };
  }

  async updateApplication(
    id: string,
    patch: { name?: string; description?: string },
    at: number,
    audit?: AuditEntry,
  ): Promise<ApplicationRecord | undefined> {
    const updated = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('applications')
        .set({ ...patch, updated_at: at })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row) await appendAudit(trx, audit);
      return row && applicationFromRow(row);
    });
    if (updated) await this.#announce({ kind: 'application', id });
    return updated;
  }

  async deleteApplication(id: string, audit?: AuditEntry): Promise<boolean> {
    const deleted = await this.db.transaction().execute(async (trx) => {
      // The application row first: its lock makes a concurrent createToken wait, so
      // the token delete below sees any token that create stored.
      const result = await trx.deleteFrom('applications').where('id', '=', id).executeTakeFirst();
      await deleteOwnerTokens(trx, 'application', id);
      await deleteOwnerUsage(trx, 'application', id);
      const webhooks = await deleteOwnerWebhooks(trx, 'application', id);
      if (result.numDeletedRows > 0n) await appendAudit(trx, audit);
      return result.numDeletedRows > 0n && webhooks;
    });
    if (deleted) {
      await this.#announce(
        { kind: 'application', id },
        { kind: 'owner', id, ownerType: 'application' },
        ...deleted.map((webhookId) => ({
          kind: 'webhook' as const,
          id: webhookId,
          ownerType: 'application' as const,
          ownerId: id,
          deleted: true as const,
        })),
      );
    }
    return deleted !== false;
  }

  async createOrganization(organization: OrganizationRecord, adminUserId: string, audit?: AuditEntry): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await appendAudit(trx, audit);
      await trx
        .insertInto('organizations')
        .values({
          id: organization.id,
          name: organization.name,
          description: organization.description,
          created_at: organization.createdAt,
          updated_at: organization.updatedAt,
          token_policy: tokenPolicyColumn(organization.tokenPolicy),
        })
        .execute();
      await trx
        .insertInto('org_members')
        .values({ org_id: organization.id, user_id: adminUserId, role: 'admin', created_at: organization.createdAt })
        .execute();
    });
    await this.#announce({ kind: 'organization', id: organization.id }, { kind: 'member', orgId: organization.id, userId: adminUserId });
  }

  async getOrganization(id: string): Promise<OrganizationRecord | undefined> {
    const row = await this.db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
    return row && organizationFromRow(row);
  }

  async listOrganizations(userId: string, query: PageQuery): Promise<{ items: OrganizationRecord[]; totalCount: number }> {
    let base = this.db
      .selectFrom('organizations')
      .where('id', 'in', this.db.selectFrom('org_members').select('org_id').where('user_id', '=', userId));
    if (query.filter) base = base.where(likeGlob('name', query.filter));
    // Organizations have no owner: ownerId is a sort field of applications only.
    const column = query.sortField === 'ownerId' ? 'id' : pageSortColumns[query.sortField];
    const { rows, totalCount } = await pageOf(base, query, column);
    return { items: rows.map(organizationFromRow), totalCount };
  }

  async updateOrganization(id: string, patch: OrganizationPatch, at: number, audit?: AuditEntry): Promise<OrganizationRecord | undefined> {
    const { tokenPolicy, ...fields } = patch;
    const updated = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('organizations')
        .set({ ...fields, ...(tokenPolicy === undefined ? {} : { token_policy: tokenPolicyColumn(tokenPolicy) }), updated_at: at })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row) await appendAudit(trx, audit);
      return row && organizationFromRow(row);
    });
    if (updated) await this.#announce({ kind: 'organization', id });
    return updated;
  }

  async deleteOrganization(id: string, audit?: AuditEntry): Promise<'deleted' | 'missing' | 'has-applications'> {
    const result = await this.db.transaction().execute(async (trx) => {
      await lockOrganization(trx, this.adapter.dialect, id);
      const owned = await trx
        .selectFrom('applications')
        .select('id')
        .where('owner_type', '=', 'organization')
        .where('owner_id', '=', id)
        .executeTakeFirst();
      if (owned) return 'has-applications';
      await trx.deleteFrom('org_members').where('org_id', '=', id).execute();
      const result = await trx.deleteFrom('organizations').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) return 'missing';
      await appendAudit(trx, audit);
      return 'deleted' as const;
    });
    if (result === 'deleted') await this.#announce({ kind: 'organization', id });
    return result;
  }

  async listMembers(orgId: string): Promise<MemberRecord[]> {
    const rows = await this.db
      .selectFrom('org_members')
      .innerJoin('users', 'users.id', 'org_members.user_id')
      .select(['org_members.user_id', 'org_members.role', 'users.email', 'users.first_name', 'users.last_name'])
      .where('org_members.org_id', '=', orgId)
      .orderBy('org_members.created_at')
      .orderBy('org_members.user_id')
      .execute();
    return rows.map((r) => ({
      userId: r.user_id,
      role: r.role,
      email: r.email,
      firstName: r.first_name,
      lastName: r.last_name,
    }));
  }

  async getRole(orgId: string, userId: string): Promise<Role | undefined> {
    const row = await this.db
      .selectFrom('org_members')
      .select('role')
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role;
  }

  async setMember(
    orgId: string,
    userId: string,
    role: Role | null,
    at: number,
    audit?: AuditEntry,
  ): Promise<'ok' | 'last-admin' | 'not-member'> {
    const result = await this.db.transaction().execute(async (trx) => {
      await lockOrganization(trx, this.adapter.dialect, orgId);
      const current = await trx
        .selectFrom('org_members')
        .select('role')
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!current && role === null) return 'not-member';
      if (current?.role === 'admin' && role !== 'admin') {
        const admins = await trx
          .selectFrom('org_members')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('org_id', '=', orgId)
          .where('role', '=', 'admin')
          .executeTakeFirstOrThrow();
        if (Number(admins.n) <= 1) return 'last-admin';
      }
      if (role === null) {
        await trx.deleteFrom('org_members').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
      } else if (current) {
        await trx.updateTable('org_members').set({ role }).where('org_id', '=', orgId).where('user_id', '=', userId).execute();
      } else {
        await trx.insertInto('org_members').values({ org_id: orgId, user_id: userId, role, created_at: at }).execute();
      }
      await appendAudit(trx, audit);
      return 'ok' as const;
    });
    if (result === 'ok') await this.#announce({ kind: 'member', orgId, userId });
    return result;
  }

  async createToken(token: NewToken, audit?: AuditEntry): Promise<boolean> {
    const stored = await this.adapter.hotReads.createToken(token, audit);
    if (stored) await this.#announce({ kind: 'tokens-created', ownerType: token.ownerType, ownerId: token.ownerId });
    return stored;
  }

  async createTokens(tokens: readonly NewToken[]): Promise<void> {
    await insertTokens(this.db, tokens);
    await this.#announce(...ownersOf(tokens).map((owner) => ({ kind: 'tokens-created' as const, ...owner })));
  }

  listTokens(ownerType: OwnerType, ownerId: string, query: TokenListQuery): Promise<TokenPage> {
    return listTokens(this.db, ownerType, ownerId, query);
  }

  async updateToken(
    ownerType: OwnerType,
    ownerId: string,
    id: string,
    patch: TokenPatch,
    updatedAt: number,
    audit?: AuditEntry,
  ): Promise<TokenRecord | undefined> {
    const record = await updateToken(this.db, this.adapter.dialect, ownerType, ownerId, id, patch, updatedAt, audit);
    if (record) await this.#announce({ kind: 'token', id, ownerType, ownerId });
    return record;
  }

  async deleteToken(ownerType: OwnerType, ownerId: string, id: string, audit?: AuditEntry): Promise<boolean> {
    const deleted = await deleteToken(this.db, ownerType, ownerId, id, audit);
    if (deleted) await this.#announce({ kind: 'token', id, ownerType, ownerId, deleted: true });
    return deleted;
  }

  async rotateToken(
    ownerType: OwnerType,
    ownerId: string,
    id: string,
    rotation: TokenRotation,
    audit?: AuditEntry,
  ): Promise<TokenRecord | undefined> {
    const record = await rotateToken(this.db, this.adapter.dialect, { ownerType, ownerId }, id, rotation, audit);
    if (record) await this.#announce({ kind: 'token', id, ownerType, ownerId });
    return record;
  }

  async revokeToken(
    ownerType: OwnerType,
    ownerId: string,
    id: string,
    hash: Uint8Array,
    at: number,
    audit?: AuditEntry,
  ): Promise<TokenRecord | undefined> {
    const record = await revokeToken(this.db, this.adapter.dialect, { ownerType, ownerId }, id, hash, at, audit);
    if (record) await this.#announce({ kind: 'token', id, ownerType, ownerId });
    return record;
  }

  /** Announced to this process only: see the 'token-used' StoreEvent. */
  async touchToken(id: string, lastUsedAt: number, secret?: TokenSecret): Promise<void> {
    const owner = await touchToken(this.db, this.adapter.dialect, id, lastUsedAt, secret);
    if (owner) this.#emit({ kind: 'token-used', id, ...owner });
  }

  /** Announced to this process only, as a use: a spend changes what a verification reads, never what one caches. */
  async spendCredits(spend: CreditSpend): Promise<CreditSpent | undefined> {
    const result = await this.adapter.hotReads.spendCredits(spend);
    if (!result) return undefined;
    this.#emit({ kind: 'token-used', id: spend.id, ownerType: result.ownerType, ownerId: result.ownerId });
    return { spent: result.spent, remaining: result.remaining, crossed: result.crossed };
  }

  /** Announced to this process only: see the 'usage' StoreEvent. */
  async addUsage(counts: readonly UsageCount[]): Promise<void> {
    if (counts.length === 0) return;
    await addUsage(this.db, counts);
    this.#emit({ kind: 'usage', change: 'added' });
  }

  readUsage(range: UsageRange): Promise<UsageBucket[]> {
    return readUsage(this.db, range);
  }

  topUsageTokens(range: Omit<UsageRange, 'tokenId'>, limit: number): Promise<TokenUsageTotal[]> {
    return topUsageTokens(this.db, range, limit);
  }

  /** Announced to this process only, when anything was dropped. */
  async pruneUsage(cutoffs: UsageCutoffs): Promise<void> {
    if (await pruneUsage(this.db, cutoffs)) this.#emit({ kind: 'usage', change: 'pruned' });
  }

  findTokenOwners(ids: readonly string[]): Promise<Array<{ id: string; ownerType: OwnerType; ownerId: string }>> {
    return findTokenOwners(this.db, ids);
  }

  async createWebhook(webhook: WebhookRecord, audit?: AuditEntry): Promise<boolean> {
    const stored = await createWebhook(this.db, this.adapter.dialect, webhook, audit);
    if (stored) await this.#announce({ kind: 'webhook', id: webhook.id, ownerType: webhook.ownerType, ownerId: webhook.ownerId });
    return stored;
  }

  getWebhook(ownerType: WebhookOwnerType, ownerId: string, id: string): Promise<WebhookRecord | undefined> {
    return getWebhook(this.db, ownerType, ownerId, id);
  }

  listWebhooks(
    ownerType: WebhookOwnerType,
    ownerId: string,
    query: WebhookListQuery,
  ): Promise<{ items: WebhookRecord[]; totalCount: number }> {
    return listWebhooks(this.db, ownerType, ownerId, query);
  }

  async updateWebhook(
    ownerType: WebhookOwnerType,
    ownerId: string,
    id: string,
    patch: WebhookPatch,
    updatedAt: number,
    audit?: AuditEntry,
  ): Promise<WebhookRecord | undefined> {
    const updated = await updateWebhook(this.db, ownerType, ownerId, id, patch, updatedAt, audit);
    if (updated) await this.#announce({ kind: 'webhook', id, ownerType, ownerId });
    return updated;
  }

  async deleteWebhook(ownerType: WebhookOwnerType, ownerId: string, id: string, audit?: AuditEntry): Promise<boolean> {
    const deleted = await deleteWebhook(this.db, ownerType, ownerId, id, audit);
    if (deleted) await this.#announce({ kind: 'webhook', id, ownerType, ownerId, deleted: true });
    return deleted;
  }

  listWebhookDeliveries(webhookId: string, query: DeliveryListQuery): Promise<{ items: WebhookDeliveryRecord[]; totalCount: number }> {
    return listDeliveries(this.db, webhookId, query);
  }

  /** Announced to this process only: see the 'webhook-deliveries' StoreEvent. */
  async redeliverWebhookDelivery(
    webhookId: string,
    eventId: string,
    at: number,
    audit?: AuditEntry,
  ): Promise<WebhookDeliveryRecord | undefined> {
    const delivery = await this.db.transaction().execute(async (trx) => {
      const found = await redeliver(trx, webhookId, eventId, at);
      if (found) await appendAudit(trx, audit);
      return found;
    });
    if (delivery) this.#emit({ kind: 'webhook-deliveries', change: 'enqueued' });
    return delivery;
  }

  /** Announced to this process only, when any delivery was written. */
  async enqueueTokenEvents(events: readonly TokenEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const written = await this.db.transaction().execute((trx) => enqueueEvents(trx, events));
    if (written > 0) this.#emit({ kind: 'webhook-deliveries', change: 'enqueued' });
    return written;
  }

  /** Announced to this process only, when any delivery was written. */
  async enqueueCreditCrossings(): Promise<number> {
    const written = await this.db.transaction().execute((trx) => enqueueCreditCrossings(trx, this.adapter.dialect));
    if (written > 0) this.#emit({ kind: 'webhook-deliveries', change: 'enqueued' });
    return written;
  }

  listExpiringTokens(after: number, until: number, changedSince?: number): Promise<TokenRecord[]> {
    return listExpiringTokens(this.db, after, until, changedSince);
  }

  nextWebhookDeliveryAt(): Promise<number | undefined> {
    return nextDueAt(this.db);
  }

  webhookOutboxDepth(): Promise<{ pending: number; oldestCreatedAt: number | undefined }> {
    return outboxDepth(this.db);
  }

  /** Announced to this process only, when any was claimed. */
  async claimWebhookDeliveries(now: number, limit: number, leaseMs: number): Promise<WebhookClaim[]> {
    const claims = await claimDeliveries(this.db, this.adapter.dialect, this.#claimant, now, limit, leaseMs);
    if (claims.length > 0) this.#emit({ kind: 'webhook-deliveries', change: 'claimed' });
    return claims;
  }

  /** Announced to this process only. */
  async recordWebhookAttempt(claim: WebhookClaim, attempt: WebhookAttemptRecord, outcome: AttemptOutcome): Promise<void> {
    await recordAttempt(this.db, claim, attempt, outcome);
    this.#emit({ kind: 'webhook-deliveries', change: 'attempted' });
  }

  /** Announced to this process only, when any was dropped. */
  async pruneWebhookDeliveries(before: number): Promise<void> {
    if (await pruneDeliveries(this.db, before)) this.#emit({ kind: 'webhook-deliveries', change: 'pruned' });
  }

  async recordAudit(entry: AuditEntry): Promise<void> {
    await appendAudit(this.db, entry);
    await this.#announce({ kind: 'audit', id: entry.id });
  }

  listAudit(query: AuditQuery): Promise<{ items: AuditEntry[]; totalCount: number }> {
    return listAudit(this.db, query);
  }

  /** Idempotent: a store closed twice (a signal during shutdown, say) closes once. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    await this.adapter.peers?.close();
    await this.db.destroy();
    await this.adapter.close?.();
  }
}
