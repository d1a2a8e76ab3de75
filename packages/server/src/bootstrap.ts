// First-run setup: a user, optionally an application, and a user API token with
// all.User. Used by `latchkey bootstrap` and by `serve` on an empty database.
import { generateToken, newId } from '@latchkey/contract';
import { randomBytes } from 'node:crypto';
import { hashToken } from './auth/token-hash.js';
import { operatorAudit } from './operator-audit.js';
import { verifyPassword } from './passwords.js';
import type { Store, UserRecord } from './storage/port.js';
import { newToken } from './tokens/api-token-wire.js';
import { newUser } from './users/new-user.js';

export interface BootstrapInput {
  email: string;
  password: string;
  applicationName?: string;
  now?: number;
}

export interface BootstrapResult {
  userId: string;
  applicationId?: string;
  token: string;
}

export class BootstrapError extends Error {}

const emailShape = /^[^\s@]+@[^\s@]+$/;

export function checkPassword(password: string): void {
  if (password.length < 8 || password.length > 2048) throw new BootstrapError('Password must be 8 to 2048 characters');
}

/** `local@domain`, as sign-in accepts it (single-label domains such as localhost included). */
export function checkEmail(email: string): void {
  if (!emailShape.test(email) || email.length > 1024) throw new BootstrapError('Invalid email address');
}

export function displayName(user: Pick<UserRecord, 'firstName' | 'lastName' | 'email'>): string {
  return [user.firstName, user.lastName].filter(Boolean).join(' ') || user.email;
}

export async function bootstrap(store: Store, input: BootstrapInput): Promise<BootstrapResult> {
  const now = input.now ?? Date.now();
  checkEmail(input.email);
  checkPassword(input.password);
  const applicationName = input.applicationName?.trim();
  if (applicationName !== undefined && (applicationName.length < 1 || applicationName.length > 255)) {
    throw new BootstrapError('Application name must be 1 to 255 characters');
  }
  let user = await store.findUserByEmail(input.email);
  if (user) {
    if (!(await verifyPassword(input.password, user.passwordHash))) {
      throw new BootstrapError('A user with this email exists and the password does not match');
    }
  } else {
    user = await newUser({ email: input.email, password: input.password, at: now });
    await store.createUser(user);
  }

  let applicationId: string | undefined;
  if (applicationName !== undefined) {
    const name = applicationName;
    const existing = await store.findApplicationByName(user.id, name);
    applicationId = existing?.id ?? newId(now);
    if (!existing) {
      await store.createApplication(
        { id: applicationId, ownerType: 'user', ownerId: user.id, name, description: '', createdAt: now, updatedAt: now },
        operatorAudit('application.create', { targetType: 'application', targetId: applicationId, applicationId }),
      );
    }
  }

  const token = generateToken('user');
  const record = newToken(
    { name: 'bootstrap', description: 'Created by latchkey bootstrap' },
    {
      owner: { ownerType: 'user', ownerId: user.id },
      creator: { creatorType: 'user', creatorId: user.id, creatorName: displayName(user) },
      scope: ['all.User'],
      at: now,
      hash: hashToken(token),
    },
  );
  const stored = await store.createToken(record, operatorAudit('userApiToken.create', { targetType: 'apiToken', targetId: record.id }));
  if (!stored) throw new Error(`user ${user.email} was deleted during bootstrap`);
  return applicationId === undefined ? { userId: user.id, token } : { userId: user.id, applicationId, token };
}

/** A password for the first admin: 24 base64url characters (144 bits). */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}
