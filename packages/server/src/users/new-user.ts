// The one place a user to store is put together: by bootstrap, `latchkey user
// create` and the tests. The password is hashed here; the email is kept lower-cased.
import { newId } from '@latchkey/contract';
import { hashPassword } from '../passwords.js';
import type { UserRecord } from '../storage/port.js';

export interface NewUserFields {
  email: string;
  password: string;
  /** Default: the email's local part. */
  firstName?: string;
  lastName?: string;
  /** Epoch ms. */
  at: number;
}

export async function newUser(fields: NewUserFields): Promise<UserRecord> {
  return {
    id: newId(fields.at),
    email: fields.email.toLowerCase(),
    firstName: fields.firstName ?? fields.email.split('@')[0] ?? fields.email,
    lastName: fields.lastName ?? '',
    passwordHash: await hashPassword(fields.password),
    createdAt: fields.at,
    updatedAt: fields.at,
    passwordUpdatedAt: fields.at,
  };
}
