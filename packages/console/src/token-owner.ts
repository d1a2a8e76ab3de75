// One facade over the SDK's two token resources: an application's tokens
// (applicationApiTokens / applicationApiToken) and the signed-in user's own
// (userApiTokens / userApiToken). The API gives both the same shapes, so the token
// list, the create dialog and the token page branch on the owner here only.
import type {
  ApiToken,
  ApiTokenPatch,
  ApiTokens,
  ApiTokensQuery,
  ApplicationScope,
  CreatedApiToken,
  Success,
  Usage,
  UsageQuery,
  UserApiTokenPost,
} from '@latchkey/contract';
import { clientFor } from './api.js';
import type { Route, TokenOwner } from './router.js';
import { presets, userPresets, type Preset } from './scopes.js';

/** A create body; its scope may hold the user-level groups only for a user token (see `TokenOwnerApi.presets`). */
export type TokenPost = UserApiTokenPost;

export interface TokenOwnerApi {
  owner: TokenOwner;
  /** The permission presets the create dialog offers this owner's tokens. */
  presets: readonly Preset[];
  /** The page listing this owner's tokens (a token page's way back). */
  listRoute: Exclude<Route, { page: 'notFound' }>;
  /** The breadcrumb's name of that list; for an application, its name (read once) or its id. */
  listName: () => Promise<string>;
  /** What the scopes picked in the create dialog reach. */
  scopeHint: string;
  list: (query: ApiTokensQuery) => Promise<ApiTokens>;
  create: (body: TokenPost) => Promise<CreatedApiToken>;
  get: (apiTokenId: string) => Promise<ApiToken>;
  patch: (apiTokenId: string, patch: ApiTokenPatch) => Promise<ApiToken>;
  delete: (apiTokenId: string) => Promise<Success>;
  /** A new secret (answered once); the old one keeps verifying for `gracePeriod` seconds. */
  rotate: (apiTokenId: string, gracePeriod: number) => Promise<CreatedApiToken>;
  usage: (apiTokenId: string, query: UsageQuery) => Promise<Usage>;
}

export function tokenOwnerApi(token: string, owner: TokenOwner): TokenOwnerApi {
  const client = clientFor(token);
  if (owner.kind === 'me') {
    return {
      owner,
      presets: userPresets,
      listRoute: { page: 'myTokens' },
      listName: () => Promise.resolve('My tokens'),
      scopeHint: 'A scope of a catalogue action applies in every application you reach.',
      list: (query) => client.userApiTokens.get(query),
      create: (apiToken) => client.userApiTokens.post({ apiToken }),
      get: (apiTokenId) => client.userApiToken.get({ apiTokenId }),
      patch: (apiTokenId, apiToken) => client.userApiToken.patch({ apiTokenId, apiToken }),
      delete: (apiTokenId) => client.userApiToken.delete({ apiTokenId }),
      rotate: (apiTokenId, gracePeriod) => client.userApiToken.rotate({ apiTokenId, rotation: { gracePeriod } }),
      usage: (apiTokenId, query) => client.userApiToken.usage({ apiTokenId, ...query }),
    };
  }
  const { applicationId } = owner;
  return {
    owner,
    presets,
    listRoute: { page: 'application', applicationId, tab: 'tokens' },
    // A token that may not read the application still manages its tokens: then the id names it.
    listName: () =>
      client.application.get({ applicationId }).then(
        (application) => `Tokens of “${application.name}”`,
        () => `Tokens of application ${applicationId}`,
      ),
    scopeHint: 'Scopes apply in this application only.',
    list: (query) => client.applicationApiTokens.get({ applicationId, ...query }),
    // The dialog offers an application token application scopes only (`presets`, the
    // catalogue); the server's schema refuses anything else with a 400 all the same.
    create: (apiToken) =>
      client.applicationApiTokens.post({
        applicationId,
        apiToken: { ...apiToken, scope: apiToken.scope as ApplicationScope[] | undefined },
      }),
    get: (apiTokenId) => client.applicationApiToken.get({ applicationId, apiTokenId }),
    patch: (apiTokenId, apiToken) => client.applicationApiToken.patch({ applicationId, apiTokenId, apiToken }),
    delete: (apiTokenId) => client.applicationApiToken.delete({ applicationId, apiTokenId }),
    rotate: (apiTokenId, gracePeriod) => client.applicationApiToken.rotate({ applicationId, apiTokenId, rotation: { gracePeriod } }),
    usage: (apiTokenId, query) => client.applicationApiToken.usage({ applicationId, apiTokenId, ...query }),
  };
}

/** A stable key of an owner, for hook dependencies (the owner object is new on every render). */
export function ownerKey(owner: TokenOwner): string {
  return owner.kind === 'me' ? 'me' : `application:${owner.applicationId}`;
}
