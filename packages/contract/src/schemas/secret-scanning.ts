// POST /secret-scanning/github: GitHub's secret scanning partner format. GitHub
// reports strings that match the patterns registered for latchkey's tokens; the
// answer labels each one. See the server's routes/secret-scanning.ts.
import type { FromSchema } from 'json-schema-to-ts';

/** One match GitHub found. Fields GitHub may add later are accepted and ignored. */
export const githubSecretMatchSchema = {
  type: 'object',
  properties: {
    token: { type: 'string', maxLength: 1024 },
    /** The name the pattern was registered under. */
    type: { type: 'string', maxLength: 256 },
    /** Where the match was found (public: a commit, an issue, a gist, ...). */
    url: { type: 'string', maxLength: 8192 },
    /** What kind of place that is (`content`, `commit`, `gist`, `npm`, ...). */
    source: { type: 'string', maxLength: 256 },
  },
  required: ['token', 'type'],
} as const;

export const githubSecretReportSchema = { type: 'array', maxItems: 10_000, items: githubSecretMatchSchema } as const;
export type GithubSecretReport = FromSchema<typeof githubSecretReportSchema>;

/** GitHub's feedback on each reported match: whether it is a real latchkey token. */
export const githubSecretFeedbackSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      token_raw: { type: 'string' },
      token_type: { type: 'string' },
      label: { type: 'string', enum: ['true_positive', 'false_positive'] },
    },
    required: ['token_raw', 'token_type', 'label'],
  },
} as const;
export type GithubSecretFeedback = FromSchema<typeof githubSecretFeedbackSchema>;
