// Organization roles as the console shows them, and the signed-in user's own role,
// which needs their user id (GET /me; a pasted token without me.get has none: then
// the role is simply not known).
import { roles, type Org, type Role } from '@latchkey/contract';
import { clientFor } from './api.js';
import { useLoad } from './ui.js';

export { roles };
export type { Role };

export const roleLabels: Record<Role, string> = {
  admin: 'Admin',
  edit: 'Edit',
  collaborate: 'Collaborate',
  view: 'View',
};

/** What each role may do, said next to the choice. */
export const roleHints: Record<Role, string> = {
  admin: 'what Edit may, and the members, token policy, name and deletion of the organization',
  edit: 'creates, changes and deletes applications and their tokens',
  collaborate: "reads everything; changes an application's other resources, never the application or its tokens",
  view: 'reads only',
};

/** The signed-in user's id, or null while unknown. */
export function useMyUserId(token: string): string | null {
  const me = useLoad(() => clientFor(token).me.get(), [token]);
  return me.data?.id ?? null;
}

export function myRole(org: Org, userId: string | null): Role | null {
  if (userId === null) return null;
  return org.members.find((member) => member.userId === userId)?.role ?? null;
}
