// @latchkey/client: a typed SDK over native fetch. This first cut covers the two
// founding actions; the full Losant-shaped client comes with its own issue.
import type {
  ApiTokens, ApiTokensQuery, ApplicationApiTokenPost, CreatedApiToken, ErrorBody,
} from '@latchkey/contract';

export interface ClientOptions {
  url: string;
  accessToken?: string;
}

export class LatchkeyError extends Error {
  constructor(readonly statusCode: number, readonly type: string, message: string) {
    super(message);
    this.name = 'LatchkeyError';
  }
}

export function createClient(options: ClientOptions) {
  const base = options.url.replace(/\/+$/, '');

  async function request<T>(method: string, path: string, query?: object, body?: unknown): Promise<T> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(key, String(value));
    const qs = search.toString();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.accessToken) headers.authorization = `Bearer ${options.accessToken}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${base}${path}${qs ? `?${qs}` : ''}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await response.json()) as unknown;
    if (!response.ok) {
      const error = data as Partial<ErrorBody>;
      throw new LatchkeyError(response.status, error.type ?? 'Internal', error.message ?? response.statusText);
    }
    return data as T;
  }

  return {
    applicationApiTokens: {
      get: ({ applicationId, ...query }: { applicationId: string } & ApiTokensQuery) =>
        request<ApiTokens>('GET', `/applications/${encodeURIComponent(applicationId)}/tokens`, query),
      post: ({ applicationId, apiToken }: { applicationId: string; apiToken: ApplicationApiTokenPost }) =>
        request<CreatedApiToken>('POST', `/applications/${encodeURIComponent(applicationId)}/tokens`, {}, apiToken),
    },
  };
}
