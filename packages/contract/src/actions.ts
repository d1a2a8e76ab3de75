// Every HTTP action declares the scopes it accepts, as the Losant docs list them.
// A caller is allowed when it holds at least one of them (and reaches the
// application). test/actions.test.ts checks each list against the scope algebra.

function accepts(...scopes: string[]): ReadonlySet<string> {
  return new Set(scopes);
}

export const actions = {
  'applicationApiTokens.get': accepts(
    'all.Application', 'all.Application.read', 'all.Organization', 'all.Organization.read',
    'all.User', 'all.User.read', 'applicationApiTokens.*', 'applicationApiTokens.get',
  ),
  'applicationApiTokens.post': accepts(
    'all.Application', 'all.Organization', 'all.User', 'applicationApiTokens.*', 'applicationApiTokens.post',
  ),
  'applicationApiToken.get': accepts(
    'all.Application', 'all.Application.read', 'all.Organization', 'all.Organization.read',
    'all.User', 'all.User.read', 'applicationApiToken.*', 'applicationApiToken.get',
  ),
  'applicationApiToken.patch': accepts(
    'all.Application', 'all.Organization', 'all.User', 'applicationApiToken.*', 'applicationApiToken.patch',
  ),
  'applicationApiToken.delete': accepts(
    'all.Application', 'all.Organization', 'all.User', 'applicationApiToken.*', 'applicationApiToken.delete',
  ),
} as const satisfies Record<string, ReadonlySet<string>>;

export type ActionName = keyof typeof actions;
