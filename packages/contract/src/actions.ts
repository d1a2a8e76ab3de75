// Every HTTP action declares the scopes it accepts, as the Losant docs list them.
// A caller is allowed when it holds at least one of them (and reaches the
// application). test/actions.test.ts checks each list against the scope algebra.

function accepts(...scopes: string[]): ReadonlySet<string> {
  return new Set(scopes);
}

export const actions = {
  'applicationApiTokens.get': accepts(
    'all.Application',
    'all.Application.read',
    'all.Organization',
    'all.Organization.read',
    'all.User',
    'all.User.read',
    'applicationApiTokens.*',
    'applicationApiTokens.get',
  ),
  'applicationApiTokens.post': accepts(
    'all.Application',
    'all.Organization',
    'all.User',
    'applicationApiTokens.*',
    'applicationApiTokens.post',
  ),
  'applicationApiToken.get': accepts(
    'all.Application',
    'all.Application.read',
    'all.Organization',
    'all.Organization.read',
    'all.User',
    'all.User.read',
    'applicationApiToken.*',
    'applicationApiToken.get',
  ),
  'applicationApiToken.patch': accepts(
    'all.Application',
    'all.Organization',
    'all.User',
    'applicationApiToken.*',
    'applicationApiToken.patch',
  ),
  'applicationApiToken.delete': accepts(
    'all.Application',
    'all.Organization',
    'all.User',
    'applicationApiToken.*',
    'applicationApiToken.delete',
  ),
  // latchkey's own: reading an application's audit trail (any read scope on it).
  'applicationAuditLogs.get': accepts(
    'all.Application',
    'all.Application.read',
    'all.Organization',
    'all.Organization.read',
    'all.User',
    'all.User.read',
  ),
  // User-level actions (Losant's lists; the resource scopes such as `me.get` are
  // listed for fidelity, but a latchkey credential can only carry the groups).
  'me.get': accepts('all.User', 'all.User.read', 'me.*', 'me.get'),
  'userApiTokens.get': accepts('all.User', 'all.User.read', 'userApiTokens.*', 'userApiTokens.get'),
  'userApiTokens.post': accepts('all.User', 'userApiTokens.*', 'userApiTokens.post'),
  'userApiToken.get': accepts('all.User', 'all.User.read', 'userApiToken.*', 'userApiToken.get'),
  'userApiToken.patch': accepts('all.User', 'userApiToken.*', 'userApiToken.patch'),
  'userApiToken.delete': accepts('all.User', 'userApiToken.*', 'userApiToken.delete'),
  'applications.get': accepts(
    'all.User',
    'all.User.read',
    'all.Organization',
    'all.Organization.read',
    'applications.*',
    'applications.get',
  ),
  'applications.post': accepts('all.User', 'all.Organization', 'applications.*', 'applications.post'),
  'application.get': accepts(
    'all.Application',
    'all.Application.read',
    'all.Organization',
    'all.Organization.read',
    'all.User',
    'all.User.read',
    'application.*',
    'application.get',
  ),
  'application.patch': accepts('all.Application', 'all.Organization', 'all.User', 'application.*', 'application.patch'),
  'application.delete': accepts('all.Application', 'all.Organization', 'all.User', 'application.*', 'application.delete'),
  'orgs.get': accepts('all.User', 'all.User.read', 'orgs.*', 'orgs.get'),
  'orgs.post': accepts('all.User', 'orgs.*', 'orgs.post'),
  'org.get': accepts('all.Organization', 'all.Organization.read', 'all.User', 'all.User.read', 'org.*', 'org.get'),
  'org.patch': accepts('all.Organization', 'all.User', 'org.*', 'org.patch'),
  'org.delete': accepts('all.Organization', 'all.User', 'org.*', 'org.delete'),
  'org.modifyMember': accepts('all.Organization', 'all.User', 'org.*', 'org.modifyMember'),
  'org.removeMember': accepts('all.Organization', 'all.User', 'org.*', 'org.removeMember'),
} as const satisfies Record<string, ReadonlySet<string>>;

export type ActionName = keyof typeof actions;
