// One autocannon run: requests per second and latency of a scenario.
import autocannon from 'autocannon';

export interface Scenario {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** The status every answer must have; any other counts as an error. */
  expect: number;
  /** Whether an answer's body is right; one it refuses counts as an error. */
  verifyBody?: (body: string) => boolean;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
}

export async function load(port: number, scenario: Scenario, seconds: number, connections = 50): Promise<LoadResult> {
  let unexpected = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${scenario.path}`,
    method: scenario.method ?? 'GET',
    headers: { ...scenario.headers, ...(scenario.body ? { 'content-type': 'application/json' } : {}) },
    ...(scenario.body ? { body: scenario.body } : {}),
    ...(scenario.verifyBody ? { verifyBody: (body: string | Buffer | undefined) => scenario.verifyBody!(String(body ?? '')) } : {}),
    connections,
    duration: seconds,
    setupClient: (client) => {
      client.on('response', (status: number) => {
        if (status !== scenario.expect) unexpected++;
      });
    },
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.mismatches + unexpected,
    requests: result.requests.total,
  };
}
