// The scenarios `npm run bench` measures, against a seeded database.
import type { Scenario } from './load.js';
import type { Seeded } from './seed.js';

export const scenarios = (s: Seeded): Record<string, Scenario> => {
  const auth = { authorization: `Bearer ${s.token}` };
  const base = `/applications/${s.applicationId}/tokens`;
  return {
    'authenticated list, perPage 10': { path: `${base}?perPage=10`, headers: auth, expect: 200 },
    'get one token': { path: `${base}/${s.tokenId}`, headers: auth, expect: 200 },
    'create a token': {
      method: 'POST',
      path: base,
      headers: auth,
      body: JSON.stringify({ name: 'bench', scope: ['device.*'] }),
      expect: 201,
    },
    '401 path (garbage token)': {
      path: `${base}?perPage=10`,
      headers: { authorization: 'Bearer lka_thisisnotarealtokenatallbutitisthelengthofone00' },
      expect: 401,
    },
  };
};

/** Short names for the command line. */
export const short: Record<string, string> = {
  list: 'authenticated list, perPage 10',
  get: 'get one token',
  create: 'create a token',
  401: '401 path (garbage token)',
};

/** The targets for each scenario, as ratios of the baseline. */
export const targets: Record<string, number> = {
  'authenticated list, perPage 10': 0.6,
  'get one token': 0.65,
  'create a token': 0.25,
  'create a token (power-loss durability)': 0.25,
  '401 path (garbage token)': 0.8,
};
