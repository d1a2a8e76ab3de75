// createClient: the resources of losant-rest that latchkey implements, with the same
// names and parameters, so code written for the official client moves over unchanged.
import type { ClientOptionName, ClientOptions } from './options.js';
import { createSend } from './request.js';
import {
  applicationApiTokenResource,
  applicationApiTokensResource,
  applicationResource,
  applicationsResource,
  applicationTokenWebhookResource,
  applicationTokenWebhooksResource,
  authResource,
  meResource,
  orgResource,
  orgsResource,
  userApiTokenResource,
  userApiTokensResource,
  userTokenWebhookResource,
  userTokenWebhooksResource,
  type ApplicationApiTokenResource,
  type ApplicationApiTokensResource,
  type ApplicationResource,
  type ApplicationsResource,
  type ApplicationTokenWebhookResource,
  type ApplicationTokenWebhooksResource,
  type AuthResource,
  type MeResource,
  type OrgResource,
  type OrgsResource,
  type UserApiTokenResource,
  type UserApiTokensResource,
  type UserTokenWebhookResource,
  type UserTokenWebhooksResource,
} from './resources/index.js';

export interface LatchkeyClient {
  applicationApiTokens: ApplicationApiTokensResource;
  applicationApiToken: ApplicationApiTokenResource;
  auth: AuthResource;
  me: MeResource;
  applications: ApplicationsResource;
  application: ApplicationResource;
  orgs: OrgsResource;
  org: OrgResource;
  userApiTokens: UserApiTokensResource;
  userApiToken: UserApiTokenResource;
  /** latchkey's own: signed webhooks on an application's token events, and on the user's own. */
  applicationTokenWebhooks: ApplicationTokenWebhooksResource;
  applicationTokenWebhook: ApplicationTokenWebhookResource;
  userTokenWebhooks: UserTokenWebhooksResource;
  userTokenWebhook: UserTokenWebhookResource;
  /** Changes an option for every later call (e.g. the access token after signing in); returns the client. */
  setOption: <K extends ClientOptionName>(name: K, value: ClientOptions[K]) => LatchkeyClient;
  getOption: <K extends ClientOptionName>(name: K) => ClientOptions[K];
}

const optionNames: readonly string[] = ['url', 'accessToken', 'timeoutMs'] satisfies ClientOptionName[];

function checked<K extends ClientOptionName>(name: K, value: ClientOptions[K]): ClientOptions[K] {
  if (!optionNames.includes(name)) throw new TypeError(`Unknown option ${JSON.stringify(String(name))}`);
  if (name === 'url' && (typeof value !== 'string' || value === '')) {
    throw new TypeError('url must be a non-empty string');
  }
  if (name === 'accessToken' && value !== undefined && typeof value !== 'string') {
    throw new TypeError('accessToken must be a string');
  }
  if (name === 'timeoutMs' && value !== undefined && !(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
    throw new TypeError('timeoutMs must be a finite number of milliseconds, at least 0');
  }
  return value;
}

export function createClient(options: ClientOptions): LatchkeyClient {
  const { url, accessToken, timeoutMs } = options ?? {};
  const current: ClientOptions = {
    url: checked('url', url),
    accessToken: checked('accessToken', accessToken),
    timeoutMs: checked('timeoutMs', timeoutMs),
  };
  const send = createSend(() => current);
  const client: LatchkeyClient = {
    applicationApiTokens: applicationApiTokensResource(send),
    applicationApiToken: applicationApiTokenResource(send),
    auth: authResource(send),
    me: meResource(send),
    applications: applicationsResource(send),
    application: applicationResource(send),
    orgs: orgsResource(send),
    org: orgResource(send),
    userApiTokens: userApiTokensResource(send),
    userApiToken: userApiTokenResource(send),
    applicationTokenWebhooks: applicationTokenWebhooksResource(send),
    applicationTokenWebhook: applicationTokenWebhookResource(send),
    userTokenWebhooks: userTokenWebhooksResource(send),
    userTokenWebhook: userTokenWebhookResource(send),
    setOption: (name, value) => {
      current[name] = checked(name, value);
      return client;
    },
    getOption: (name) => current[name],
  };
  return client;
}
