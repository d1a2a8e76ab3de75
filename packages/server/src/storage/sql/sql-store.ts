// The Store implemented once over Kysely; each adapter supplies the dialect and,
// where it measurably matters, a faster hot path.
import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  ApplicationRecord, NewToken, OwnerType, Store, TokenListQuery, TokenPage, TokenPatch, TokenRecord, UserRecord,
} from '../port.js';
import { neverExpires, type ApiTokensTable, type Database } from './tables.js';
import { globToLike } from './glob.js';

const sortColumns = {
  name: 'name_key',
  status: 'status',
  id: 'id',
  creationDate: 'created_at',
  lastUpdated: 'updated_at',
  expirationDate: 'expires_at',
} as const;

const filterColumns = { name: 'name_key', status: 'status' } as const;

export function tokenFromRow(row: Selectable<ApiTokensTable>): TokenRecord {
  const expiresAt = Number(row.expires_at);
  return {
    id: row.id,
    ownerType: row.owner_type,
    ownerId: row.owner_id,
    creatorType: row.creator_type,
    creatorId: row.creator_id,
    creatorName: row.creator_name,
    name: row.name,
    description: row.description,
    scope: JSON.parse(row.scope) as string[],
    status: row.status,
    expiresAt: expiresAt === neverExpires ? null : expiresAt,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

function userFromRow(row: Selectable<Database['users']>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    passwordHash: row.password_hash,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    passwordUpdatedAt: Number(row.password_updated_at),
  };
}

function applicationFromRow(row: Selectable<Database['applications']>): ApplicationRecord {
  return {
    id: row.id,
    ownerType: row.owner_type,
    ownerId: row.owner_id,
    name: row.name,
    description: row.description,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export abstract class SqlStore implements Store {
  abstract readonly kind: Store['kind'];

  constructor(protected readonly db: Kysely<Database>) {}

  async countUsers(): Promise<number> {
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
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
      })
      .execute();
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && userFromRow(row);
  }

  async findUserByEmail(email: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
    return row && userFromRow(row);
  }

  async createApplication(application: ApplicationRecord): Promise<void> {
    await this.db
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
  }

  async getApplication(id: string): Promise<ApplicationRecord | undefined> {
    const row = await this.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
    return row && applicationFromRow(row);
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

  async createToken(token: NewToken): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: token.id,
        owner_type: token.ownerType,
        owner_id: token.ownerId,
        creator_type: token.creatorType,
        creator_id: token.creatorId,
        creator_name: token.creatorName,
        name: token.name,
        name_key: token.name.toLowerCase(),
        description: token.description,
        scope: JSON.stringify(token.scope),
        status: token.status,
        token_hash: token.hash,
        expires_at: token.expiresAt ?? neverExpires,
        created_at: token.createdAt,
        updated_at: token.updatedAt,
        last_used_at: null,
      })
      .execute();
  }

  async findTokenByHash(hash: Uint8Array): Promise<TokenRecord | undefined> {
    const row = await this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
    return row && tokenFromRow(row);
  }

  async listTokens(ownerType: OwnerType, ownerId: string, query: TokenListQuery): Promise<TokenPage> {
    let base = this.db
      .selectFrom('api_tokens')
      .where('owner_type', '=', ownerType)
      .where('owner_id', '=', ownerId);
    if (query.filter) {
      const column = filterColumns[query.filter.field];
      const pattern = globToLike(query.filter.glob.toLowerCase());
      base = base.where(sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`);
    }
    const column = sortColumns[query.sortField];
    const [items, count] = await Promise.all([
      base
        .selectAll()
        .orderBy(column, query.sortDirection)
        .orderBy('id', query.sortDirection)
        .limit(query.perPage)
        .offset(query.page * query.perPage)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: items.map(tokenFromRow), totalCount: Number(count.n) };
  }

  async getToken(ownerType: OwnerType, ownerId: string, id: string): Promise<TokenRecord | undefined> {
    const row = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', id)
      .where('owner_type', '=', ownerType)
      .where('owner_id', '=', ownerId)
      .executeTakeFirst();
    return row && tokenFromRow(row);
  }

  async updateToken(
    ownerType: OwnerType, ownerId: string, id: string, patch: TokenPatch, updatedAt: number,
  ): Promise<TokenRecord | undefined> {
    const row = await this.db
      .updateTable('api_tokens')
      .set({
        ...(patch.name === undefined ? {} : { name: patch.name, name_key: patch.name.toLowerCase() }),
        ...(patch.description === undefined ? {} : { description: patch.description }),
        ...(patch.status === undefined ? {} : { status: patch.status }),
        updated_at: updatedAt,
      })
      .where('id', '=', id)
      .where('owner_type', '=', ownerType)
      .where('owner_id', '=', ownerId)
      .returningAll()
      .executeTakeFirst();
    return row && tokenFromRow(row);
  }

  async deleteToken(ownerType: OwnerType, ownerId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('api_tokens')
      .where('id', '=', id)
      .where('owner_type', '=', ownerType)
      .where('owner_id', '=', ownerId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async touchToken(id: string, lastUsedAt: number): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: lastUsedAt }).where('id', '=', id).execute();
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
