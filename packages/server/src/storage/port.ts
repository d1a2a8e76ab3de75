// The storage port: everything the server needs from a database, in domain terms.
// Adapters (storage/sqlite, storage/postgres) implement it; test/storage.test.ts
// is the one contract suite every adapter must pass.
import type { ApiTokenFilterField, ApiTokenSortField, Role } from '@latchkey/contract';

/** 'session' tokens belong to a user too, but are login sessions, never listed as API tokens. */
export type OwnerType = 'application' | 'user' | 'session';
export type { Role };
export type CreatorType = 'apiToken' | 'user' | 'flow';
export type TokenStatus = 'active' | 'inactive';

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
  /**
   * Bumped by every change to the stored token, lastUsedAt included: a rendering
   * made at one version is current for as long as the version is.
   */
  version: number;
}

export interface NewToken extends Omit<TokenRecord, 'lastUsedAt' | 'version'> {
  /** SHA-256 of the token string; the token itself is never stored. */
  hash: Uint8Array;
}

/**
 * One line of the append-only audit trail. Written in the same transaction as the
 * change it records (a failed login records nothing else).
 */
export interface AuditEntry {
  id: string;
  at: number;
  actorType: 'user' | 'apiToken' | 'operator' | 'anonymous';
  /** User or token id; the attempted email for a failed login; null for an operator. */
  actorId: string | null;
  /** `<resource>.<verb>`, e.g. applicationApiToken.delete, auth.login. */
  action: string;
  targetType: 'apiToken' | 'application' | 'organization' | 'member' | 'user' | 'session';
  targetId: string | null;
  applicationId: string | null;
  orgId: string | null;
  sourceAddress: string | null;
  outcome: 'success' | 'failure';
}

export interface AuditQuery {
  applicationId?: string;
  orgId?: string;
  sortDirection: 'asc' | 'desc';
  page: number;
  perPage: number;
  /** Glob on the action. */
  action?: string;
}

/** What may change after creation: never scope or expiry. */
export interface TokenPatch {
  name?: string;
  description?: string;
  status?: TokenStatus;
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

export interface OrganizationRecord {
  id: string;
  name: string;
  description: string;
  createdAt: number;
  updatedAt: number;
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
}

/** A change other nodes must drop from their verification caches. */
export type InvalidationEvent = { kind: 'token'; id: string } | { kind: 'owner'; id: string } | { kind: 'all' };

export interface Store {
  readonly kind: 'sqlite' | 'postgres';

  /** Resolves when the database answers; rejects otherwise. */
  ping(): Promise<void>;
  /** True for errors that mean the database is unreachable (answered as 503). */
  isUnavailable(error: unknown): boolean;
  /**
   * Invalidations published by other processes sharing the database (PostgreSQL
   * LISTEN/NOTIFY). An adapter that cannot be shared never calls the listener.
   */
  subscribe(listener: (event: InvalidationEvent) => void): void;

  countUsers(): Promise<number>;
  createUser(user: UserRecord): Promise<void>;
  getUser(id: string): Promise<UserRecord | undefined>;
  findUserByEmail(email: string): Promise<UserRecord | undefined>;

  updateUserPassword(id: string, passwordHash: string, at: number): Promise<boolean>;

  createApplication(application: ApplicationRecord, audit?: AuditEntry): Promise<void>;
  /** Applications the user owns or reaches through an organization membership. */
  /** `orgId`: undefined for all, '' for the user's own, or one organization's. */
  listApplications(userId: string, query: PageQuery, orgId?: string): Promise<{ items: ApplicationRecord[]; totalCount: number }>;
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
  updateOrganization(
    id: string,
    patch: { name?: string; description?: string },
    at: number,
    audit?: AuditEntry,
  ): Promise<OrganizationRecord | undefined>;
  /** Refuses (returns 'has-applications') while the organization owns applications. */
  deleteOrganization(id: string, audit?: AuditEntry): Promise<'deleted' | 'missing' | 'has-applications'>;
  listMembers(orgId: string): Promise<MemberRecord[]>;
  getRole(orgId: string, userId: string): Promise<Role | undefined>;
  /**
   * Adds or changes a member, or removes one (role null). Refuses, atomically, to
   * leave the organization without an admin.
   */
  setMember(orgId: string, userId: string, role: Role | null, at: number, audit?: AuditEntry): Promise<'ok' | 'last-admin' | 'not-member'>;
  getApplication(id: string): Promise<ApplicationRecord | undefined>;
  /** A user-owned application by exact name, for idempotent bootstrap. */
  findApplicationByName(ownerId: string, name: string): Promise<ApplicationRecord | undefined>;

  /**
   * False, storing nothing, when the owner (application, or user) no longer exists:
   * checked in the same transaction, so a token is never stored for an owner being
   * deleted at the same moment.
   */
  createToken(token: NewToken, audit?: AuditEntry): Promise<boolean>;
  /** Inserts many tokens in one transaction (seeding, imports, benchmarks). */
  createTokens(tokens: readonly NewToken[]): Promise<void>;
  /** The hot path of every request: one indexed lookup by hash. */
  findTokenByHash(hash: Uint8Array): Promise<TokenRecord | undefined>;
  listTokens(ownerType: OwnerType, ownerId: string, query: TokenListQuery): Promise<TokenPage>;
  /**
   * The page listTokens would return, as ids and versions only (what a list answer
   * reads first). An adapter may hand out the same page object again for the same
   * owner and query, but only while nothing it stores has changed: callers may keep
   * what they derive from a page by its identity, and must not change it.
   */
  listTokenRefs(ownerType: OwnerType, ownerId: string, query: TokenListQuery): Promise<TokenRefPage>;
  /** The owner's tokens among these ids, in any order; ids it does not own are skipped. */
  getTokens(ownerType: OwnerType, ownerId: string, ids: readonly string[]): Promise<TokenRecord[]>;
  getToken(ownerType: OwnerType, ownerId: string, id: string): Promise<TokenRecord | undefined>;
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
  /** Records a successful authentication; never changes updatedAt. */
  touchToken(id: string, lastUsedAt: number): Promise<void>;

  /** Records an event that changes nothing else (a failed login). */
  recordAudit(entry: AuditEntry): Promise<void>;
  listAudit(query: AuditQuery): Promise<{ items: AuditEntry[]; totalCount: number }>;

  close(): Promise<void>;
}
