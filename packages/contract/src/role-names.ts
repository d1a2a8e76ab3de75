// Organization roles, the one declaration every package imports. On its own, so the
// schemas can name roles without importing the role caps (which read the route table,
// which imports the schemas).
export const roles = ['admin', 'edit', 'collaborate', 'view'] as const;
export type Role = (typeof roles)[number];
