// The limits-and-credits form's state, and the PATCH it asks for: checked against
// what the contract bounds (name pattern, ranges, unique names, refillDay with a
// monthly refill) with messages that say what to fix, before anything is sent.
import {
  maxCredits,
  maxRatelimitDuration,
  maxRatelimitLimit,
  minRatelimitDuration,
  ratelimitNamePattern,
  type ApiToken,
  type ApiTokenPatch,
  type Ratelimit,
} from '@latchkey/contract';

export type Interval = 'none' | 'daily' | 'monthly';

export interface LimitRow {
  key: number;
  name: string;
  limit: string;
  /** The window in seconds (the API's is in milliseconds, at least 1 s). */
  seconds: string;
  autoApply: boolean;
}

export interface CreditsForm {
  limited: boolean;
  remaining: string;
  interval: Interval;
  amount: string;
  refillDay: string;
}

let nextKey = 0;
/** A key for a new row (rows are keyed so removing one keeps the others' inputs). */
export const newRowKey = () => nextKey++;

export function rowsOf(apiToken: ApiToken): LimitRow[] {
  return (apiToken.ratelimits ?? []).map((r) => ({
    key: nextKey++,
    name: r.name,
    limit: String(r.limit),
    seconds: String(r.duration / 1000),
    autoApply: r.autoApply,
  }));
}

export function creditsOf(apiToken: ApiToken): CreditsForm {
  const credits = apiToken.credits;
  return {
    limited: credits !== undefined,
    remaining: credits ? String(credits.remaining) : '',
    interval: credits?.refill?.interval ?? 'none',
    amount: credits?.refill ? String(credits.refill.amount) : '',
    refillDay: credits?.refill?.refillDay !== undefined ? String(credits.refill.refillDay) : '',
  };
}

/** A whole number within [min, max], or undefined. */
function wholeNumber(text: string, min: number, max: number): number | undefined {
  const n = Number(text);
  return text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

/** The patch the form asks for, or the messages saying what to fix. */
export function limitsPatch(
  rows: readonly LimitRow[],
  form: CreditsForm,
  apiToken: ApiToken,
): { patch: ApiTokenPatch } | { problems: string[] } {
  const problems: string[] = [];
  const namePattern = new RegExp(ratelimitNamePattern);
  const seen = new Set<string>();
  const ratelimits: Ratelimit[] = [];
  rows.forEach((row, i) => {
    const which = `Rate limit ${i + 1}`;
    const name = row.name.trim();
    if (!namePattern.test(name)) problems.push(`${which}: the name must be 1 to 32 lowercase letters, digits, “_”, “.” or “-”.`);
    else if (seen.has(name)) problems.push(`${which}: the name “${name}” is used twice; give each limit its own name.`);
    seen.add(name);
    const limit = wholeNumber(row.limit, 1, maxRatelimitLimit);
    if (limit === undefined) problems.push(`${which}: the limit must be a whole number from 1 to ${maxRatelimitLimit}.`);
    const seconds = Number(row.seconds);
    const duration = Math.round(seconds * 1000);
    const durationOk =
      row.seconds.trim() !== '' && Number.isFinite(seconds) && duration >= minRatelimitDuration && duration <= maxRatelimitDuration;
    if (!durationOk)
      problems.push(`${which}: the window must be from ${minRatelimitDuration / 1000} to ${maxRatelimitDuration / 1000} seconds.`);
    if (limit !== undefined && durationOk) ratelimits.push({ name, limit, duration, autoApply: row.autoApply });
  });

  let credits: ApiTokenPatch['credits'] = null;
  if (form.limited) {
    const remaining = wholeNumber(form.remaining, 0, maxCredits);
    if (remaining === undefined) problems.push(`Credits: the remaining balance must be a whole number from 0 to ${maxCredits}.`);
    let refill: NonNullable<ApiTokenPatch['credits']>['refill'] = null;
    if (form.interval !== 'none') {
      const amount = wholeNumber(form.amount, 1, maxCredits);
      if (amount === undefined) problems.push(`Credits: the refill amount must be a whole number from 1 to ${maxCredits}.`);
      const refillDay = form.interval === 'monthly' && form.refillDay.trim() !== '' ? wholeNumber(form.refillDay, 1, 31) : undefined;
      if (form.interval === 'monthly' && form.refillDay.trim() !== '' && refillDay === undefined) {
        problems.push('Credits: the refill day must be a day of the month from 1 to 31 (or empty for the 1st).');
      }
      if (amount !== undefined) refill = { amount, interval: form.interval, ...(refillDay !== undefined ? { refillDay } : {}) };
    }
    // The balance is sent only when it was typed (or there was none): credits are
    // spent meanwhile, and re-sending the figure read at load would undo those spends.
    const unchanged = apiToken.credits !== undefined && remaining === apiToken.credits.remaining;
    credits = { ...(unchanged || remaining === undefined ? {} : { remaining }), refill };
  }
  if (problems.length > 0) return { problems };
  return { patch: { ratelimits, credits } };
}
