// Operator actions behind `latchkey user ...` and `latchkey org ...`: the same rules
// as the HTTP API (validation, hashing, the last-admin guard), without a token.
import { newId, roles, type Role } from '@latchkey/contract';
import { BootstrapError, checkEmail, checkPassword } from './bootstrap.js';
import { hashPassword } from './passwords.js';
import { operatorAudit } from './operator-audit.js';
import type { Store, UserRecord } from './storage/port.js';
import { newUser } from './users/new-user.js';

export async function createUser(
  store: Store,
  input: { email: string; password: string; firstName?: string; lastName?: string },
): Promise<UserRecord> {
  checkEmail(input.email);
  checkPassword(input.password);
  if (await store.findUserByEmail(input.email)) throw new BootstrapError('A user with this email already exists');
  const user = await newUser({ ...input, at: Date.now() });
  await store.createUser(user);
  return user;
}

async function userByEmail(store: Store, email: string): Promise<UserRecord> {
  const user = await store.findUserByEmail(email);
  if (!user) throw new BootstrapError(`No user with email ${email}`);
  return user;
}

/** Sets the password and ends every login session of the user, on every node, in one write. */
export async function setPassword(store: Store, email: string, password: string): Promise<UserRecord> {
  checkPassword(password);
  const user = await userByEmail(store, email);
  const target = { targetType: 'user', targetId: user.id } as const;
  const ended = await store.endSessions(user.id, {
    at: Date.now(),
    passwordHash: await hashPassword(password),
    audit: [operatorAudit('user.setPassword', target), operatorAudit('auth.endSessions', target)],
  });
  if (!ended) throw new BootstrapError(`No user with email ${email}`);
  return user;
}

export async function createOrganization(
  store: Store,
  input: { name: string; description?: string; adminEmail: string },
): Promise<{ orgId: string; adminUserId: string }> {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 255) throw new BootstrapError('Organization name must be 1 to 255 characters');
  const admin = await userByEmail(store, input.adminEmail);
  const now = Date.now();
  const orgId = newId(now);
  await store.createOrganization(
    { id: orgId, name, description: input.description ?? '', createdAt: now, updatedAt: now },
    admin.id,
    operatorAudit('org.create', { targetType: 'organization', targetId: orgId, orgId }),
  );
  return { orgId, adminUserId: admin.id };
}

export async function addMember(
  store: Store,
  input: { orgId: string; email: string; role: string },
): Promise<{ orgId: string; userId: string; role: Role }> {
  if (!(roles as readonly string[]).includes(input.role)) throw new BootstrapError(`Role must be one of ${roles.join(', ')}`);
  const role = input.role as Role;
  if (!(await store.getOrganization(input.orgId))) throw new BootstrapError(`No organization ${input.orgId}`);
  const user = await userByEmail(store, input.email);
  const result = await store.setMember(
    input.orgId,
    user.id,
    role,
    Date.now(),
    operatorAudit('org.modifyMember', { targetType: 'member', targetId: user.id, orgId: input.orgId }),
  );
  if (result === 'last-admin') throw new BootstrapError('The last admin of an organization cannot be demoted');
  return { orgId: input.orgId, userId: user.id, role };
}
