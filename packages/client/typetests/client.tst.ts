// Type tests (tstyche): parameters and results are @latchkey/contract's types, and
// what the server would refuse does not compile.
import type {
  ApiToken,
  ApiTokens,
  Application,
  Applications,
  AuthedUser,
  CreatedApiToken,
  Me,
  Org,
  Orgs,
  Success,
} from '@latchkey/contract';
import { describe, expect, test } from 'tstyche';
import {
  createClient,
  type ClientOptions,
  type LatchkeyClient,
  type LatchkeyError,
  type LatchkeyErrorType,
  type LatchkeyNetworkError,
  type LatchkeyTimeoutError,
} from '../src/index.js';

const client = createClient({ url: 'http://localhost:8080', accessToken: 'lku_x', timeoutMs: 1000 });
const applicationId = '0123456789abcdef01234567';
const apiTokenId = '0123456789abcdef01234568';
const orgId = '0123456789abcdef01234569';
const userId = '0123456789abcdef0123456a';

describe('createClient', () => {
  test('takes url, accessToken and timeoutMs', () => {
    expect(client).type.toBe<LatchkeyClient>();
    expect(createClient).type.toBeCallableWith({ url: 'http://x' });
    expect(createClient).type.not.toBeCallableWith({});
    expect(createClient).type.not.toBeCallableWith({ url: 'http://x', timeout: 5 });
    expect(createClient).type.not.toBeCallableWith({ url: 'http://x', timeoutMs: '5' });
  });

  test('setOption and getOption are typed by name', () => {
    expect(client.setOption('accessToken', 'lks_x')).type.toBe<LatchkeyClient>();
    expect(client.getOption('url')).type.toBe<string>();
    expect(client.getOption('accessToken')).type.toBe<string | undefined>();
    expect(client.getOption('timeoutMs')).type.toBe<number | undefined>();
    expect(client.setOption).type.toBeCallableWith('timeoutMs', 100);
    expect(client.setOption).type.toBeCallableWith('accessToken', undefined);
    expect(client.setOption).type.not.toBeCallableWith('timeoutMs', '100');
    expect(client.setOption).type.not.toBeCallableWith('url', undefined);
    expect(client.setOption).type.not.toBeCallableWith('timeout', 100);
    expect(client.getOption).type.not.toBeCallableWith('acceptVersion');
    expect<ClientOptions['timeoutMs']>().type.toBe<number | undefined>();
  });
});

describe('applicationApiTokens', () => {
  test('results', () => {
    expect(client.applicationApiTokens.get({ applicationId })).type.toBe<Promise<ApiTokens>>();
    expect(client.applicationApiTokens.post({ applicationId, apiToken: { name: 'x' } })).type.toBe<Promise<CreatedApiToken>>();
    expect(client.applicationApiTokens.iterate({ applicationId })).type.toBe<AsyncGenerator<ApiToken, void, undefined>>();
  });

  test("list parameters are Losant's", () => {
    expect(client.applicationApiTokens.get).type.toBeCallableWith({
      applicationId,
      sortField: 'expirationDate',
      sortDirection: 'desc',
      page: 0,
      perPage: 10,
      filterField: 'name',
      filter: 'a*',
    });
    expect(client.applicationApiTokens.get).type.toBeCallableWith({ applicationId, _actions: false, _links: true, _embedded: true });
    expect(client.applicationApiTokens.get).type.not.toBeCallableWith({});
    expect(client.applicationApiTokens.get).type.not.toBeCallableWith({ applicationId, sortField: 'scope' });
    expect(client.applicationApiTokens.get).type.not.toBeCallableWith({ applicationId, sortDirection: 'up' });
    expect(client.applicationApiTokens.get).type.not.toBeCallableWith({ applicationId, perPage: '10' });
    expect(client.applicationApiTokens.get).type.not.toBeCallableWith({ applicationId, perPge: 10 });
    expect(client.applicationApiTokens.iterate).type.toBeCallableWith({ applicationId, perPage: 2, sortField: 'name' });
    expect(client.applicationApiTokens.iterate).type.not.toBeCallableWith({ applicationId, filterField: 'scope' });
  });

  test('post needs a name and takes only application scopes', () => {
    expect(client.applicationApiTokens.post).type.toBeCallableWith({
      applicationId,
      apiToken: {
        name: 'x',
        description: 'd',
        scope: ['all.Application', 'device.*', 'devices.get'],
        expirationDate: '2030-01-01T00:00:00Z',
        status: 'active',
      },
    });
    expect(client.applicationApiTokens.post).type.not.toBeCallableWith({ applicationId, apiToken: { scope: ['all.Application'] } });
    expect(client.applicationApiTokens.post).type.not.toBeCallableWith({
      applicationId,
      apiToken: { name: 'x', scope: ['all.Everything'] },
    });
    expect(client.applicationApiTokens.post).type.not.toBeCallableWith({ applicationId, apiToken: { name: 'x', scope: ['all.User'] } });
    expect(client.applicationApiTokens.post).type.not.toBeCallableWith({
      applicationId,
      apiToken: { name: 'x', scope: 'all.Application' },
    });
    expect(client.applicationApiTokens.post).type.not.toBeCallableWith({ applicationId, apiToken: { name: 'x', status: 'revoked' } });
    expect(client.applicationApiTokens.post).type.not.toBeCallableWith({ applicationId, apiToken: { name: 'x', owner: 'me' } });
    expect(client.applicationApiTokens.post).type.not.toBeCallableWith({ apiToken: { name: 'x' } });
    expect(client.applicationApiTokens.post).type.not.toBeCallableWith({ applicationId, token: { name: 'x' } });
  });
});

describe('applicationApiToken', () => {
  test('results', () => {
    expect(client.applicationApiToken.get({ applicationId, apiTokenId })).type.toBe<Promise<ApiToken>>();
    expect(client.applicationApiToken.patch({ applicationId, apiTokenId, apiToken: { status: 'inactive' } })).type.toBe<
      Promise<ApiToken>
    >();
    expect(client.applicationApiToken.delete({ applicationId, apiTokenId })).type.toBe<Promise<Success>>();
  });

  test('patch changes name, description and status only', () => {
    expect(client.applicationApiToken.patch).type.toBeCallableWith({
      applicationId,
      apiTokenId,
      apiToken: { name: 'n', description: 'd' },
    });
    expect(client.applicationApiToken.patch).type.not.toBeCallableWith({
      applicationId,
      apiTokenId,
      apiToken: { scope: ['all.Application'] },
    });
    expect(client.applicationApiToken.patch).type.not.toBeCallableWith({
      applicationId,
      apiTokenId,
      apiToken: { expirationDate: '2030-01-01T00:00:00Z' },
    });
    expect(client.applicationApiToken.patch).type.not.toBeCallableWith({ applicationId, apiTokenId, apiToken: { status: 'expired' } });
    expect(client.applicationApiToken.get).type.not.toBeCallableWith({ applicationId });
    expect(client.applicationApiToken.delete).type.not.toBeCallableWith({ apiTokenId });
  });
});

describe('auth and me', () => {
  test('authenticateUser takes credentials', () => {
    expect(client.auth.authenticateUser({ credentials: { email: 'a@b.c', password: 'password' } })).type.toBe<Promise<AuthedUser>>();
    expect(client.auth.authenticateUser).type.toBeCallableWith({
      credentials: { email: 'a@b.c', password: 'password', requestedScopes: ['all.User.read'], tokenTTL: 60 },
    });
    expect(client.auth.authenticateUser).type.not.toBeCallableWith({ credentials: { email: 'a@b.c' } });
    expect(client.auth.authenticateUser).type.not.toBeCallableWith({ email: 'a@b.c', password: 'password' });
    expect(client.auth.authenticateUser).type.not.toBeCallableWith({
      credentials: { email: 'a@b.c', password: 'password', requestedScopes: ['all.Nothing'] },
    });
    expect(client.auth.authenticateUser).type.not.toBeCallableWith({
      credentials: { email: 'a@b.c', password: 'password', twoFactorCode: '1' },
    });
  });

  test('me.get', () => {
    expect(client.me.get()).type.toBe<Promise<Me>>();
    expect(client.me.get).type.toBeCallableWith({ summaryExclude: 'payloadCount' });
    expect(client.me.get).type.not.toBeCallableWith({ includeRecent: true });
  });

  test('me.changePassword takes the change as data; auth.logout takes nothing', () => {
    expect(client.me.changePassword({ data: { password: 'password', newPassword: 'Password-123' } })).type.toBe<Promise<AuthedUser>>();
    expect(client.me.changePassword).type.toBeCallableWith({
      data: { password: 'password', newPassword: 'Password-123', invalidateExistingTokens: true, tokenTTL: 60 },
    });
    expect(client.me.changePassword).type.not.toBeCallableWith({ data: { password: 'password' } });
    expect(client.me.changePassword).type.not.toBeCallableWith({ password: 'password', newPassword: 'Password-123' });
    expect(client.auth.logout()).type.toBe<Promise<Success>>();
  });
});

describe('applications and application', () => {
  test('results', () => {
    expect(client.applications.get()).type.toBe<Promise<Applications>>();
    expect(client.applications.post({ application: { name: 'a' } })).type.toBe<Promise<Application>>();
    expect(client.applications.iterate()).type.toBe<AsyncGenerator<Application, void, undefined>>();
    expect(client.application.get({ applicationId })).type.toBe<Promise<Application>>();
    expect(client.application.patch({ applicationId, application: { name: 'b' } })).type.toBe<Promise<Application>>();
    expect(client.application.delete({ applicationId })).type.toBe<Promise<Success>>();
  });

  test('parameters', () => {
    expect(client.applications.get).type.toBeCallableWith({ orgId: '', sortField: 'ownerId', perPage: 5 });
    expect(client.applications.get).type.not.toBeCallableWith({ sortField: 'status' });
    expect(client.applications.post).type.toBeCallableWith({ application: { name: 'a', description: 'd', orgId } });
    expect(client.applications.post).type.not.toBeCallableWith({ application: { description: 'no name' } });
    expect(client.applications.post).type.not.toBeCallableWith({ application: { name: 'a', endpointSlug: 'x' } });
    expect(client.application.patch).type.not.toBeCallableWith({ applicationId, application: { orgId } });
    expect(client.application.patch).type.not.toBeCallableWith({ application: { name: 'b' } });
  });
});

describe('orgs and org', () => {
  test('results', () => {
    expect(client.orgs.get()).type.toBe<Promise<Orgs>>();
    expect(client.orgs.post({ organization: { name: 'o' } })).type.toBe<Promise<Org>>();
    expect(client.orgs.iterate({ perPage: 2 })).type.toBe<AsyncGenerator<Org, void, undefined>>();
    expect(client.org.get({ orgId })).type.toBe<Promise<Org>>();
    expect(client.org.patch({ orgId, organization: { description: 'd' } })).type.toBe<Promise<Org>>();
    expect(client.org.delete({ orgId })).type.toBe<Promise<Success>>();
    expect(client.org.modifyMember({ orgId, member: { userId, role: 'edit' } })).type.toBe<Promise<Org>>();
    expect(client.org.modifyMember({ orgId, member: { email: 'a@b.c', role: 'edit' } })).type.toBe<Promise<Org>>();
    expect(client.org.removeMember({ orgId, userId })).type.toBe<Promise<Success>>();
  });

  test('parameters', () => {
    expect(client.orgs.post).type.not.toBeCallableWith({ organization: {} });
    expect(client.orgs.get).type.not.toBeCallableWith({ orgId: '' });
    expect(client.org.modifyMember).type.not.toBeCallableWith({ orgId, member: { userId, role: 'owner' } });
    expect(client.org.modifyMember).type.not.toBeCallableWith({ orgId, member: { userId } });
    expect(client.org.modifyMember).type.not.toBeCallableWith({ orgId, member: { email: 'a@b.c' } });
    expect(client.org.modifyMember).type.not.toBeCallableWith({ orgId, member: { role: 'view' } });
    expect(client.org.modifyMember).type.not.toBeCallableWith({ orgId, member: { userId, email: 'a@b.c', role: 'view' } });
    expect(client.org.removeMember).type.not.toBeCallableWith({ orgId });
    expect(client.org.patch).type.not.toBeCallableWith({ orgId, organization: { members: [] } });
  });
});

describe('userApiTokens and userApiToken', () => {
  test('results', () => {
    expect(client.userApiTokens.get()).type.toBe<Promise<ApiTokens>>();
    expect(client.userApiTokens.post({ apiToken: { name: 'u' } })).type.toBe<Promise<CreatedApiToken>>();
    expect(client.userApiTokens.iterate()).type.toBe<AsyncGenerator<ApiToken, void, undefined>>();
    expect(client.userApiToken.get({ apiTokenId })).type.toBe<Promise<ApiToken>>();
    expect(client.userApiToken.patch({ apiTokenId, apiToken: { name: 'v' } })).type.toBe<Promise<ApiToken>>();
    expect(client.userApiToken.delete({ apiTokenId })).type.toBe<Promise<Success>>();
  });

  test('user tokens take user group scopes and application scopes', () => {
    expect(client.userApiTokens.post).type.toBeCallableWith({
      apiToken: { name: 'u', scope: ['all.User', 'all.Organization.read', 'device.*'] },
    });
    expect(client.userApiTokens.post).type.not.toBeCallableWith({ apiToken: { scope: ['all.User'] } });
    expect(client.userApiTokens.post).type.not.toBeCallableWith({ apiToken: { name: 'u', scope: ['all.Admin'] } });
    expect(client.userApiTokens.post).type.not.toBeCallableWith({ apiToken: { name: 'u', defaultRole: 'view' } });
    expect(client.userApiToken.patch).type.not.toBeCallableWith({ apiTokenId, apiToken: { scope: ['all.User'] } });
    expect(client.userApiToken.get).type.not.toBeCallableWith({ applicationId });
  });
});

describe('per-call options and errors', () => {
  test('every method takes RequestOptions second', () => {
    expect(client.me.get).type.toBeCallableWith({}, { timeoutMs: 10, accessToken: 'lks_x', signal: new AbortController().signal });
    expect(client.applicationApiTokens.iterate).type.toBeCallableWith({ applicationId }, { signal: AbortSignal.timeout(10) });
    expect(client.me.get).type.not.toBeCallableWith({}, { timeout: 10 });
  });

  test('error classes', () => {
    expect<LatchkeyNetworkError>().type.toBeAssignableTo<LatchkeyError>();
    expect<LatchkeyTimeoutError>().type.toBeAssignableTo<LatchkeyError>();
    expect<LatchkeyError>().type.toBeAssignableTo<Error>();
    expect<LatchkeyError['statusCode']>().type.toBe<number>();
    expect<LatchkeyNetworkError['type']>().type.toBe<'Network'>();
    expect<LatchkeyTimeoutError['type']>().type.toBe<'Timeout'>();
    expect<'NotFound'>().type.toBeAssignableTo<LatchkeyErrorType>();
    expect<LatchkeyError['type']>().type.toBe<LatchkeyErrorType>();
  });
});
