// The storage port: everything the server needs from a database, in domain terms.
// Adapters (storage/sqlite, storage/postgres) implement it; test/storage.test.ts
// is the one contract suite every adapter must pass.
import type {
  ApiTokenFilterField,
  ApiTokenSortField,
  Meta,
  Role,
  TokenPolicy,
  UsageCode,
  UsageResolution,
  WebhookEventType,
  WebhookSortField,
} from '@latchkey/contract';
import type { AllowedCidrs } from '../tokens/allowed-cidrs.js';
import type { SqlDatabase } from './sql/dialect.js';

/** 'session' tokens belong to a user too, but are login sessions, never listed as API tokens. */
export type OwnerType = 'application' | 'user' | 'session';
export type { Role };
export type CreatorType = 'apiToken' | 'user' | 'flow';
export type TokenStatus = 'active' | 'inactive';

export interface CreditSpend {
  id: string;
  cost: number;
  refillSince: number | null;
  /** When it is spent: the time of a token.credits_low threshold it crosses. */
  at: number;
}

export interface CreditSpent {
  spent: boolean;
  /** The balance after the spend (or, refused, as it stands, refill applied). */
  remaining: number;
  /** Whether it crossed a token.credits_low threshold (recorded with it, for enqueueCreditCrossings). */
  crossed: boolean;
}

/** A named rate limit of a token (the wire's Ratelimit, autoApply resolved). */
export interface TokenRatelimit {
  name: string;
  limit: number;
  /** Milliseconds. */
  duration: number;
  autoApply: boolean;
}

/** A token's credits; a token without them (null) is unlimited. */
export interface TokenCredits {
  remaining: number;
  refill: { amount: number; interval: 'daily' | 'monthly'; refillDay: number | null } | null;
  /**
   * When the balance was last set (created, patched or refilled), epoch ms: a refill
   * is due once one of its times (00:00 UTC of a due day) has passed since.
   */
  refilledAt: number;
  /**
   * The balance the token was last given (at creation, or by a patch setting
   * `remaining`): what token.credits_low's thresholds are shares of when there is no
   * refill. Absent on a record made in memory: the store then keeps `remaining`.
   */
  initial?: number;
}

/** Times are milliseconds since the epoch; `expiresAt` null means never. */
export interface TokenRecord {
  id: string;
  ownerType: OwnerType;
  ownerId: string;
  creatorType: CreatorType;
  creatorId: string;
  creatorName: string;
  name: string;
  description: string;
  scope: string[];
  status: TokenStatus;
  expiresAt: number | null;
  createdAt: number;
  updatedAt: number;
  lastUsedAt: number | null;
  /** Empty when the token has none. */
  ratelimits: TokenRatelimit[];
  credits: TokenCredits | null;
  /** Stored and returned as given, never interpreted. */
  meta: Meta | null;
  /** The addresses the token may be used from, parsed when the record is built; null: anywhere. */
  allowedCidrs: AllowedCidrs | null;
  /** When the token last got a new secret (rotateToken); null: never rotated. */
  rotatedAt: number | null;
  /**
   * Until when the secret the last rotation replaced still verifies (a grace
   * period); null, or a time past, when it does not. Checked against the clock at
   * each verification, so nothing has to run when it ends.
   */
  previousSecretExpiresAt: number | null;
  /** When that previous secret last authenticated (written at most once a minute, like lastUsedAt). */
  previousSecretLastUsedAt: number | null;
  /** When its holder revoked it (revokeToken); null once it is made active again. */
  revokedAt: number | null;
  /**
   * Bumped by every change to the stored token, lastUsedAt included: a rendering
   * made at one version is current for as long as the version is.
   */
  version: number;
}

/** What a new token starts without: uses, rotations and revocations happen later. */
type LaterFields = 'lastUsedAt' | 'version' | 'rotatedAt' | 'previousSecretExpiresAt' | 'previousSecretLastUsedAt' | 'revokedAt';

export interface NewToken extends Omit<TokenRecord, LaterFields> {
  /** SHA-256 of the token string; the token itself is never stored. */
  hash: Uint8Array;
}

/**
 * Which of a token's secrets a hash is: the current one, or the one the last
 * rotation replaced (live only until previousSecretExpiresAt).
 */
export type TokenSecret = 'current' | 'previous';

/** A token found by the hash of one of its secrets, saying which (findTokenByHash). */
export interface FoundToken extends TokenRecord {
  secret: TokenSecret;
}

/** A new secret for a token (rotateToken). */
export interface TokenRotation {
  /** SHA-256 of the new token string. */
  hash: Uint8Array;
  /** rotatedAt and updatedAt, epoch ms. */
  at: number;
  /**
   * Until when the replaced secret keeps verifying; null: it stops at once. Either
   * way a secret replaced earlier (still in its grace period) stops now.
   */
  previousSecretExpiresAt: number | null;
}

/**
 * One line of the append-only audit trail. Written in the same transaction as the
 * change it records (a failed login records nothing else).
 */
export interface AuditEntry {
  id: string;
  at: number;
  /** 'github': GitHub secret scanning, authenticated by its signature. */
  actorType: 'user' | 'apiToken' | 'operator' | 'anonymous' | 'github';
  /** User or token id; the attempted email for a failed login; null for an operator. */
  actorId: string | null;
  /** `<resource>.<verb>`, e.g. applicationApiToken.delete, auth.login. */
  action: string;
  targetType: 'apiToken' | 'application' | 'organization' | 'member' | 'user' | 'session' | 'webhook';
  targetId: string | null;
  applicationId: string | null;
  orgId: string | null;
  sourceAddress: string | null;
  outcome: 'success' | 'failure';
  /** What the entry records beyond its target (a leak: where it was reported, the policy applied); absent: nothing. */
  detail?: AuditDetail;
}

/** Named facts of an audit entry, e.g. a leak's `url`, `source` and `leakPolicy`. */
export type AuditDetail = Readonly<Record<string, string>>;

export interface AuditQuery {
  applicationId?: string;
  orgId?: string;
  /**
   * A user's own trail: entries whose actor is the user or one of the user's API
   * tokens (as they are now), and entries about the user (target user or member)
   * or one of those tokens.
   */
  userId?: string;
  sortDirection: 'asc' | 'desc';
  page: number;
  perPage: number;
  /** Glob on the action. */
  action?: string;
  actorType?: AuditEntry['actorType'];
  actorId?: string;
  /** Epoch ms, inclusive: entries at or after. */
  start?: number;
  /** Epoch ms, inclusive: entries at or before. */
  end?: number;
}

/** What may change after creation: never scope or expiry. */
export interface TokenPatch {
  name?: string;
  description?: string;
  status?: TokenStatus;
  ratelimits?: TokenRatelimit[];
  /** The whole new value (the route merges a partial patch into the current one). */
  credits?: TokenCredits | null;
  meta?: Meta | null;
  /** null: no restriction. */
  allowedCidrs?: AllowedCidrs | null;
}

/**
 * What ends a user's login sessions with it (Store.endSessions), in the same
 * transaction: nothing it names can happen without the sessions ending, nor the
 * other way round.
 */
export interface SessionsEnd {
  /** When: the password's time, and the updatedAt of each API token deactivated. */
  at: number;
  /** A new password (scrypt hash): no session signed in with the old one outlives it. */
  passwordHash?: string;
  /** A new session, stored as the others end: the one that survives (a password change's answer). */
  keep?: NewToken;
  /**
   * Also deactivates the user's active API tokens (`invalidateExistingTokens`), each
   * with the audit entry this makes for it.
   */
  deactivateApiTokens?: (tokenId: string) => AuditEntry;
  /** Recorded in the same transaction (what ended them, and why). */
  audit?: readonly AuditEntry[];
}

export interface SessionsEnded {
  /** How many sessions ended (`keep` not counted). */
  sessions: number;
  /** The API tokens deactivated, by id. */
  deactivatedTokenIds: string[];
}

export interface UserRecord {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  passwordHash: string;
  createdAt: number;
  updatedAt: number;
  passwordUpdatedAt: number;
  /** What the user's own applications' tokens and the user's tokens must meet; absent: nothing. */
  tokenPolicy?: TokenPolicy;
}

/** What PATCH /me may change. tokenPolicy null removes it. */
export interface UserPatch {
  email?: string;
  firstName?: string;
  lastName?: string;
  tokenPolicy?: TokenPolicy | null;
}

/** What an organization's update may change. tokenPolicy null removes it. */
export interface OrganizationPatch {
  name?: string;
  description?: string;
  tokenPolicy?: TokenPolicy | null;
}

export interface ApplicationRecord {
  id: string;
  ownerType: 'user' | 'organization';
  ownerId: string;
  name: string;
  description: string;
  createdAt: number;
  updatedAt: number;
}

export type ApplicationOwnerFilter = { ownerType: 'user' } | { ownerType: 'organization'; orgId?: string };

export interface OrganizationRecord {
  id: string;
  name: string;
  description: string;
  createdAt: number;
  updatedAt: number;
  /** What the organization's applications' tokens must meet; absent: nothing. */
  tokenPolicy?: TokenPolicy;
}

export interface MemberRecord {
  userId: string;
  role: Role;
  email: string;
  firstName: string;
  lastName: string;
}

/** Paging of the small per-user collections (applications, organizations). */
export interface PageQuery {
  sortField: 'name' | 'id' | 'creationDate' | 'lastUpdated' | 'ownerId';
  sortDirection: 'asc' | 'desc';
  page: number;
  perPage: number;
  /** Name glob. */
  filter?: string;
}

export interface TokenListQuery {
  sortField: ApiTokenSortField;
  sortDirection: 'asc' | 'desc';
  page: number;
  perPage: number;
  /** A glob (`*` = any run, all else literal), matched case-insensitively. */
  filter?: { field: ApiTokenFilterField; glob: string };
}

export interface TokenPage {
  items: TokenRecord[];
  totalCount: number;
}

/** A token on a page by id and version: enough to reuse a rendering made earlier. */
export interface TokenRef {
  id: string;
  version: number;
}

export interface TokenRefPage {
  items: TokenRef[];
  totalCount: number;
  /**
   * The owner's token revision this page was read at: a page read at the same
   * revision, for the same owner and query, has the same content (whichever node
   * reads it), so what is derived from a page may be kept by owner, query and
   * revision. Every write that changes any of the owner's tokens moves it, in the
   * write's transaction. null: the page was read across a change, keep nothing.
   */
  revision: string | null;
}

/** The verifications of one token with one outcome in one minute. */
export interface UsageCount {
  tokenId: string;
  ownerType: OwnerType;
  ownerId: string;
  code: UsageCode;
  /** Epoch ms of the minute's start. */
  minute: number;
  count: number;
}

/** Whose usage to read, at which resolution, over buckets starting in [start, end). */
export interface UsageRange {
  ownerType: OwnerType;
  ownerId: string;
  /** One token of the owner; absent: every token of the owner, summed. */
  tokenId?: string;
  resolution: UsageResolution;
  start: number;
  end: number;
}

/** One bucket's count of one outcome (summed over the range's tokens). */
export interface UsageBucket {
  /** Epoch ms of the bucket's start. */
  time: number;
  code: UsageCode;
  count: number;
}

/** A token's verifications of one outcome over a whole range. */
export interface TokenUsageTotal {
  tokenId: string;
  code: UsageCode;
  count: number;
}

/** Buckets older than these (epoch ms) are dropped; day buckets are kept unless `day` is given. */
export interface UsageCutoffs {
  minute: number;
  hour: number;
  day?: number;
}

/** Whose token events a webhook is sent: an application's tokens, or a user's own. */
export type WebhookOwnerType = 'application' | 'user';

export interface WebhookRecord {
  id: string;
  ownerType: WebhookOwnerType;
  ownerId: string;
  url: string;
  /**
   * The signing secret (`whsec_<base64>`), stored as it is: the server signs every
   * attempt with it, so it must be recoverable (SECURITY.md). Returned only by the
   * create and the rotation that made it; never logged.
   */
  secret: string;
  /** In the contract's order, each once. */
  events: WebhookEventType[];
  enabled: boolean;
  description: string;
  createdAt: number;
  updatedAt: number;
}

/** What may change: every field but the owner and the creation time. */
export interface WebhookPatch {
  url?: string;
  events?: WebhookEventType[];
  enabled?: boolean;
  description?: string;
  secret?: string;
}

export interface WebhookListQuery {
  sortField: WebhookSortField;
  sortDirection: 'asc' | 'desc';
  page: number;
  perPage: number;
}

export interface DeliveryListQuery {
  sortDirection: 'asc' | 'desc';
  page: number;
  perPage: number;
}

/**
 * A token event to send: each enabled webhook of the owner subscribed to its type
 * gets one delivery of it (the outbox row), written in the transaction of the
 * change that caused it. Its id is the `webhook-id` of every attempt: an event
 * enqueued twice with one id (a scan repeated, two nodes) is delivered once.
 */
export interface TokenEvent {
  id: string;
  type: WebhookEventType;
  ownerType: WebhookOwnerType;
  ownerId: string;
  tokenId: string;
  at: number;
  /** The signed body, `{type, timestamp, data}`: never a secret. */
  payload: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookAttemptRecord {
  at: number;
  /** null: no HTTP answer (refused connection, timeout, a refused address). */
  statusCode: number | null;
  latencyMs: number;
  /** Why it failed, without secrets; null for an answer. */
  error: string | null;
}

/** One event for one webhook (an outbox row), with every attempt made to send it. */
export interface WebhookDeliveryRecord {
  webhookId: string;
  eventId: string;
  eventType: WebhookEventType;
  tokenId: string;
  status: DeliveryStatus;
  /** Attempts since it was enqueued or last redelivered (what the backoff counts). */
  attemptCount: number;
  /** When a pending delivery is next due; null once delivered or failed. */
  nextAttemptAt: number | null;
  createdAt: number;
  deliveredAt: number | null;
  /** Oldest first. */
  attempts: WebhookAttemptRecord[];
}

/**
 * A due delivery this node claimed (for `leaseMs`): no other node claims it until
 * the lease ends or the attempt is recorded. Holds what sending it takes.
 */
export interface WebhookClaim {
  webhookId: string;
  eventId: string;
  url: string;
  secret: string;
  payload: string;
  attemptCount: number;
  /** Who claimed it and until when: recordWebhookAttempt changes the delivery only while both still hold. */
  claimedBy: string;
  claimedUntil: number;
}

/** What an attempt leaves a delivery as: delivered, due again at `retryAt`, or (null) given up. */
export type AttemptOutcome = { delivered: true } | { delivered: false; retryAt: number | null };

/**
 * A committed write, naming what it changed. The store announces every write here:
 * to this process's subscribers synchronously, after the commit and before the
 * write's promise resolves, and to other nodes sharing the database (PostgreSQL
 * NOTIFY). Kinds will be added as the port grows: a listener acts on the kinds it
 * caches and ignores every other, so a new kind never costs a cache its contents.
 */
export type StoreEvent =
  /**
   * A token changed (update, rotation, revocation) or went (delete: `deleted`, so
   * verifiers downstream can say which). A rotation changes which hashes find it:
   * caches keyed by hash drop every key of the token.
   */
  | { kind: 'token'; id: string; ownerType: OwnerType; ownerId: string; deleted?: true }
  /**
   * A token was used (touchToken: lastUsedAt and version). Announced to this process
   * only: it happens at most once a minute per token on every node that
   * authenticates it, no cache keeps what it changes as current (renderings are
   * keyed by version and list answers by revision, both read from the database,
   * and the verification cache already holds the new lastUsedAt), so telling the
   * other nodes would cost a notification per use and change nothing there.
   */
  | { kind: 'token-used'; id: string; ownerType: OwnerType; ownerId: string }
  /** New tokens for this owner (createToken, createTokens). */
  | { kind: 'tokens-created'; ownerType: OwnerType; ownerId: string }
  /** An owner (an application, or a user) whose tokens all went. */
  | { kind: 'owner'; id: string; ownerType?: 'application' | 'user' }
  /** An application was created, changed or deleted. */
  | { kind: 'application'; id: string }
  /** An organization was created, changed or deleted (with its members). */
  | { kind: 'organization'; id: string }
  /** A member was added, changed role or removed. */
  | { kind: 'member'; orgId: string; userId: string }
  /** A user was created or changed (password). */
  | { kind: 'user'; id: string }
  /**
   * Every login session of the user ended (its rows deleted) but `kept`, the one
   * endSessions stored (null: none kept). One event however many sessions went.
   */
  | { kind: 'sessions'; userId: string; kept: string | null }
  /** An audit entry was recorded alone (recordAudit). */
  | { kind: 'audit'; id: string }
  /** A webhook was created, changed (its secret included) or deleted. */
  | { kind: 'webhook'; id: string; ownerType: WebhookOwnerType; ownerId: string; deleted?: true }
  /**
   * Deliveries were enqueued (events no token write causes, a redelivery), claimed,
   * attempted or pruned. Announced to this process only: no cache keeps them, and
   * other nodes' workers find due deliveries by polling.
   */
  | { kind: 'webhook-deliveries'; change: 'enqueued' | 'claimed' | 'attempted' | 'pruned' }
  /**
   * Usage counts were added (addUsage) or expired buckets dropped (pruneUsage).
   * Announced to this process only: no cache keeps usage, so other nodes have
   * nothing to drop.
   */
  | { kind: 'usage'; change: 'added' | 'pruned' }
  /** Anything may have changed (a listener that reconnected may have missed events). */
  | { kind: 'all' };

/**
 * The reads every request runs, and the create that makes tokens: each adapter
 * implements them its fastest way (prepared statements, a read cache, group
 * commit). The rest of the port is implemented once, over Kysely.
 */
export interface HotReads {
  /**
   * The hot path of every request: the token whose current or previous secret has
   * this hash (one statement over two unique indexes), saying which matched. A
   * previous secret is found whether or not its grace period has ended: the caller
   * checks previousSecretExpiresAt against its clock.
   */
  findTokenByHash(hash: Uint8Array): Promise<FoundToken | undefined>;
  getToken(ownerType: OwnerType, ownerId: string, id: string): Promise<TokenRecord | undefined>;
  /** The owner's tokens among these ids, in any order; ids it does not own are skipped. */
  getTokens(ownerType: OwnerType, ownerId: string, ids: readonly string[]): Promise<TokenRecord[]>;
  getApplication(id: string): Promise<ApplicationRecord | undefined>;
  /**
   * The page listTokens would return, as ids and versions only (what a list answer
   * reads first), with the revision it was read at (see TokenRefPage). An adapter
   * may hand out the same page object again: callers must not change it.
   */
  listTokenRefs(ownerType: OwnerType, ownerId: string, query: TokenListQuery): Promise<TokenRefPage>;
  /**
   * False, storing nothing, when the owner (application, or user) no longer exists:
   * checked in the same transaction, so a token is never stored for an owner being
   * deleted at the same moment.
   */
  createToken(token: NewToken, audit?: AuditEntry): Promise<boolean>;
}

/**
 * Every Store method that changes nothing. Any other function on a store is a
 * write, and test/storage.test.ts requires of each that it announces what it
 * changed: a new write fails that test until it has a case there.
 */
export const storeReads = [
  'ping',
  'connectionPool',
  'peerNotificationLag',
  'isUnavailable',
  'subscribe',
  'close',
  'countUsers',
  'getUser',
  'findUserByEmail',
  'listApplications',
  'getApplication',
  'findApplicationByName',
  'getOrganization',
  'listOrganizations',
  'listMembers',
  'getRole',
  'findTokenByHash',
  'listTokens',
  'listTokenRefs',
  'getTokens',
  'getToken',
  'listAudit',
  'findTokenOwners',
  'readUsage',
  'topUsageTokens',
  'getWebhook',
  'listWebhooks',
  'listWebhookDeliveries',
  'listExpiringTokens',
  'nextWebhookDeliveryAt',
  'webhookOutboxDepth',
] as const satisfies ReadonlyArray<keyof Store>;

/** How many connections a pool holds, how many of them are idle, and how many queries wait for one. */
export interface ConnectionPoolState {
  total: number;
  idle: number;
  waiting: number;
}

/** Notifications from other nodes received, and the longest lag among them (ms). */
export interface PeerNotificationLag {
  received: number;
  maxLagMs: number;
}

export interface Store extends HotReads {
  /** The adapter's name ('sqlite', 'postgres', ...): a name, never a switch (see SqlDialect). */
  readonly kind: string;

  /** Resolves when the database answers; rejects otherwise. */
  ping(): Promise<void>;
  /**
   * The connection pool's state, for metrics (SQLite: its one connection, busy while a
   * transaction is open, and the group-committed writes waiting for it); undefined for
   * a store that has none.
   */
  connectionPool(): ConnectionPoolState | undefined;
  /**
   * The other nodes' notifications received since the last call (PostgreSQL NOTIFY),
   * and the longest time one took from its sender (both nodes' clocks: skew adds to
   * it); undefined for a store with no other nodes (SQLite).
   */
  peerNotificationLag(): PeerNotificationLag | undefined;
  /** True for errors that mean the database is unreachable (answered as 503). */
  isUnavailable(error: unknown): boolean;
  /**
   * Every committed write, this process's and (PostgreSQL LISTEN/NOTIFY) other
   * nodes'; see StoreEvent. Listeners run synchronously and must not throw.
   */
  subscribe(listener: (event: StoreEvent) => void): void;

  countUsers(): Promise<number>;
  createUser(user: UserRecord): Promise<void>;
  getUser(id: string): Promise<UserRecord | undefined>;
  findUserByEmail(email: string): Promise<UserRecord | undefined>;

  /**
   * Ends every login session of the user but the one it stores (`end.keep`), in one
   * transaction with what `end` names (a new password, the user's API tokens
   * deactivated, audit entries). Undefined, changing nothing, when there is no such
   * user. Announced as one 'sessions' event (with 'user', 'tokens-created' and
   * 'token' events for the rest of what it changed). The one way a password
   * changes: a new password always ends the sessions made with the old one.
   */
  endSessions(userId: string, end: SessionsEnd): Promise<SessionsEnded | undefined>;
  /**
   * Applies the patch and sets updatedAt; undefined when no such user, 'email-taken'
   * (changing nothing) when another user has the email.
   */
  updateUser(id: string, patch: UserPatch, at: number, audit?: AuditEntry): Promise<UserRecord | undefined | 'email-taken'>;

  createApplication(application: ApplicationRecord, audit?: AuditEntry): Promise<void>;
  /**
   * Applications the user owns or reaches through an organization membership; `owner`
   * narrows them: the user's own, every organization's, or one organization's.
   */
  listApplications(
    userId: string,
    query: PageQuery,
    owner?: ApplicationOwnerFilter,
  ): Promise<{ items: ApplicationRecord[]; totalCount: number }>;
  updateApplication(
    id: string,
    patch: { name?: string; description?: string },
    at: number,
    audit?: AuditEntry,
  ): Promise<ApplicationRecord | undefined>;
  /** Deletes the application and all of its tokens, in one transaction. */
  deleteApplication(id: string, audit?: AuditEntry): Promise<boolean>;

  createOrganization(organization: OrganizationRecord, adminUserId: string, audit?: AuditEntry): Promise<void>;
  getOrganization(id: string): Promise<OrganizationRecord | undefined>;
  listOrganizations(userId: string, query: PageQuery): Promise<{ items: OrganizationRecord[]; totalCount: number }>;
  updateOrganization(id: string, patch: OrganizationPatch, at: number, audit?: AuditEntry): Promise<OrganizationRecord | undefined>;
  /** Refuses (returns 'has-applications') while the organization owns applications. */
  deleteOrganization(id: string, audit?: AuditEntry): Promise<'deleted' | 'missing' | 'has-applications'>;
  listMembers(orgId: string): Promise<MemberRecord[]>;
  getRole(orgId: string, userId: string): Promise<Role | undefined>;
  /**
   * Adds or changes a member, or removes one (role null). Refuses, atomically, to
   * leave the organization without an admin.
   */
  setMember(orgId: string, userId: string, role: Role | null, at: number, audit?: AuditEntry): Promise<'ok' | 'last-admin' | 'not-member'>;
  /** A user-owned application by exact name, for idempotent bootstrap. */
  findApplicationByName(ownerId: string, name: string): Promise<ApplicationRecord | undefined>;

  /** Inserts many tokens in one transaction (seeding, imports, benchmarks). */
  createTokens(tokens: readonly NewToken[]): Promise<void>;
  listTokens(ownerType: OwnerType, ownerId: string, query: TokenListQuery): Promise<TokenPage>;
  /** Applies the patch and sets updatedAt; undefined when no such token. */
  updateToken(
    ownerType: OwnerType,
    ownerId: string,
    id: string,
    patch: TokenPatch,
    updatedAt: number,
    audit?: AuditEntry,
  ): Promise<TokenRecord | undefined>;
  /** True when a token was deleted. */
  deleteToken(ownerType: OwnerType, ownerId: string, id: string, audit?: AuditEntry): Promise<boolean>;
  /**
   * Records a successful authentication by the token's current secret (lastUsedAt)
   * or its previous one (previousSecretLastUsedAt); never changes updatedAt.
   */
  touchToken(id: string, lastUsedAt: number, secret?: TokenSecret): Promise<void>;
  /**
   * Gives the token a new secret (see TokenRotation) and sets rotatedAt and
   * updatedAt; id, limits, credits and everything else stay. Undefined when no such token.
   */
  rotateToken(
    ownerType: OwnerType,
    ownerId: string,
    id: string,
    rotation: TokenRotation,
    audit?: AuditEntry,
  ): Promise<TokenRecord | undefined>;
  /**
   * Revokes the secret with this hash (RFC 7009), decided in the write's
   * transaction: the current secret of an active token makes it inactive, with
   * revokedAt (and ends any grace period); a previous secret still in its grace
   * period ends the grace period alone. `at` is the new updatedAt (and revokedAt).
   * Undefined, changing nothing, when the hash is neither (any more).
   */
  revokeToken(
    ownerType: OwnerType,
    ownerId: string,
    id: string,
    hash: Uint8Array,
    at: number,
    audit?: AuditEntry,
  ): Promise<TokenRecord | undefined>;
  /**
   * Spends a token's credits in one conditional write: applies a refill due since the
   * balance was last set (`refillSince`: the latest refill time at or before now,
   * null without a refill), then spends `cost` if the balance holds it (and is not
   * 0). Undefined when there is no such token or it has no credits.
   */
  spendCredits(spend: CreditSpend): Promise<CreditSpent | undefined>;

  /**
   * Adds usage counts to the minute, hour and day buckets they fall in (rolled up as
   * they are written, so every resolution is current), in one transaction: all of
   * them or none.
   */
  addUsage(counts: readonly UsageCount[]): Promise<void>;
  /** Counts per bucket and outcome, oldest first; buckets without verifications are absent. */
  readUsage(range: UsageRange): Promise<UsageBucket[]>;
  /** Per-outcome totals of the owner's `limit` tokens with the most verifications in the range (deleted ones included). */
  topUsageTokens(range: Omit<UsageRange, 'tokenId'>, limit: number): Promise<TokenUsageTotal[]>;
  /** Drops the buckets that started before their resolution's cutoff. */
  pruneUsage(cutoffs: UsageCutoffs): Promise<void>;
  /** The owners of those of these token ids that exist (sessions included), in any order. */
  findTokenOwners(ids: readonly string[]): Promise<Array<{ id: string; ownerType: OwnerType; ownerId: string }>>;

  /**
   * Stores a webhook and its subscriptions. False, storing nothing, when the owner
   * (application, or user) no longer exists (checked in the same transaction).
   */
  createWebhook(webhook: WebhookRecord, audit?: AuditEntry): Promise<boolean>;
  getWebhook(ownerType: WebhookOwnerType, ownerId: string, id: string): Promise<WebhookRecord | undefined>;
  listWebhooks(
    ownerType: WebhookOwnerType,
    ownerId: string,
    query: WebhookListQuery,
  ): Promise<{ items: WebhookRecord[]; totalCount: number }>;
  /** Applies the patch and sets updatedAt; undefined when no such webhook. */
  updateWebhook(
    ownerType: WebhookOwnerType,
    ownerId: string,
    id: string,
    patch: WebhookPatch,
    updatedAt: number,
    audit?: AuditEntry,
  ): Promise<WebhookRecord | undefined>;
  /** Deletes the webhook with its deliveries and their attempts; true when it existed. */
  deleteWebhook(ownerType: WebhookOwnerType, ownerId: string, id: string, audit?: AuditEntry): Promise<boolean>;
  /** A page of the webhook's deliveries by creation, each with its attempts. */
  listWebhookDeliveries(webhookId: string, query: DeliveryListQuery): Promise<{ items: WebhookDeliveryRecord[]; totalCount: number }>;
  /** Makes the delivery due at `at` again, its attempt count back to 0; undefined when there is none. */
  redeliverWebhookDelivery(webhookId: string, eventId: string, at: number, audit?: AuditEntry): Promise<WebhookDeliveryRecord | undefined>;
  /**
   * Enqueues events no token write causes (token.expiring, token.credits_low,
   * token.rate_limited) in one transaction: a delivery per subscribed enabled
   * webhook, none for a (webhook, event id) already enqueued. The deliveries written.
   */
  enqueueTokenEvents(events: readonly TokenEvent[]): Promise<number>;
  /**
   * Makes the token.credits_low events of the thresholds spends crossed (recorded by
   * spendCredits with each spend) and enqueues them, the crossings taken in the same
   * transaction: after a crash, the next call sends what the last one did not. The
   * deliveries written.
   */
  enqueueCreditCrossings(): Promise<number>;
  /**
   * Active tokens expiring in (after, until] whose owner has an enabled webhook
   * subscribed to token.expiring (and, with `changedSince`, last updated at or after
   * it: created or re-activated since): what the expiry scan enqueues events for.
   */
  listExpiringTokens(after: number, until: number, changedSince?: number): Promise<TokenRecord[]>;
  /**
   * When the earliest pending delivery of an enabled webhook falls due (claimed or
   * not), or undefined when none is pending: a worker with nothing due claims nothing.
   */
  nextWebhookDeliveryAt(): Promise<number | undefined>;
  /**
   * The outbox's undelivered work, for metrics: how many deliveries of enabled
   * webhooks are pending, and when the oldest of them was enqueued (undefined: none).
   */
  webhookOutboxDepth(): Promise<{ pending: number; oldestCreatedAt: number | undefined }>;
  /**
   * Claims up to `limit` due deliveries (pending, next attempt at or before `now`,
   * no live claim) for `leaseMs`, oldest due first. Nodes claim apart: PostgreSQL
   * skips rows another transaction is claiming (FOR UPDATE SKIP LOCKED).
   */
  claimWebhookDeliveries(now: number, limit: number, leaseMs: number): Promise<WebhookClaim[]>;
  /**
   * Records an attempt, and, while the claim still holds, what it leaves the
   * delivery as (and releases the claim), in one transaction.
   */
  recordWebhookAttempt(claim: WebhookClaim, attempt: WebhookAttemptRecord, outcome: AttemptOutcome): Promise<void>;
  /** Drops delivered and failed deliveries (and their attempts) created before `before`. */
  pruneWebhookDeliveries(before: number): Promise<void>;

  /** Records an event that changes nothing else (a failed login). */
  recordAudit(entry: AuditEntry): Promise<void>;
  listAudit(query: AuditQuery): Promise<{ items: AuditEntry[]; totalCount: number }>;

  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /**
   * 'process' (default): a commit survives a crash of the process; 'power': also a
   * power loss (an fsync per commit). Adapters that always fsync ignore it.
   */
  durability?: 'process' | 'power';
  /** PostgreSQL only: the schema holding latchkey's tables. */
  schema?: string;
}

/** One storage adapter, as storage/open-store.ts lists them. */
export interface StoreAdapter {
  /** Whether this adapter opens databases at this URL. */
  accepts(url: string): boolean;
  open(url: string, options: OpenStoreOptions): Promise<Store>;
  /**
   * The database at this URL as its Kysely tables on the current schema, migrated,
   * below the port: for `latchkey migrate`, which copies rows table by table.
   */
  openDatabase(url: string): Promise<SqlDatabase>;
}
