// A token's rate limits and credits: shown, and edited in place. The form's checks
// live in token-limits-form.ts; the server's own refusals (400, or 403 when the
// change would exceed the caller's own limits: attenuation) are shown as answered.
import {
  maxCredits,
  maxRatelimitDuration,
  maxRatelimitLimit,
  maxRatelimits,
  minRatelimitDuration,
  type ApiToken,
} from '@latchkey/contract';
import { useState } from 'preact/hooks';
import { creditsOf, limitsPatch, newRowKey, rowsOf, type CreditsForm, type Interval, type LimitRow } from './token-limits-form.js';
import type { TokenOwnerApi } from './token-owner.js';
import { ErrorAlert, useSubmit } from './ui.js';

function describeWindow(ms: number): string {
  const seconds = ms / 1000;
  if (seconds % 86_400 === 0) return seconds === 86_400 ? 'day' : `${seconds / 86_400} days`;
  if (seconds % 3_600 === 0) return seconds === 3_600 ? 'hour' : `${seconds / 3_600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
  return seconds === 1 ? 'second' : `${seconds} seconds`;
}

function LimitsView({ apiToken }: { apiToken: ApiToken }) {
  const ratelimits = apiToken.ratelimits ?? [];
  const credits = apiToken.credits;
  return (
    <dl class="token-fields">
      <dt>Rate limits</dt>
      <dd>
        {ratelimits.length === 0 ? (
          'None'
        ) : (
          <ul class="plain">
            {ratelimits.map((r) => (
              <li key={r.name}>
                <code>{r.name}</code>: {r.limit} per {describeWindow(r.duration)}
                {r.autoApply ? ' (applied to every verification)' : ' (only when a verification names it)'}
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt>Credits</dt>
      <dd>
        {credits === undefined
          ? 'Unlimited'
          : `${credits.remaining} remaining` +
            (credits.refill
              ? `; refill of ${credits.refill.amount} ${credits.refill.interval}` +
                (credits.refill.interval === 'monthly' ? ` on day ${credits.refill.refillDay ?? 1}` : '')
              : '; no refill')}
      </dd>
    </dl>
  );
}

export function TokenLimits(props: { tokens: TokenOwnerApi; apiToken: ApiToken; onSaved: (updated: ApiToken) => void }) {
  const { apiToken } = props;
  const [editing, setEditing] = useState(false);
  const [rows, setRows] = useState<LimitRow[]>([]);
  const [form, setForm] = useState<CreditsForm>(() => creditsOf(apiToken));
  const [notice, setNotice] = useState('');
  const { busy, error, refuse, clear, run } = useSubmit();

  function startEditing() {
    setRows(rowsOf(apiToken));
    setForm(creditsOf(apiToken));
    clear();
    setNotice('');
    setEditing(true);
  }
  const setRow = (key: number, change: Partial<LimitRow>) => setRows((all) => all.map((r) => (r.key === key ? { ...r, ...change } : r)));
  const setCredits = (change: Partial<CreditsForm>) => setForm((f) => ({ ...f, ...change }));

  async function submit(event: Event) {
    event.preventDefault();
    const result = limitsPatch(rows, form, apiToken);
    if ('problems' in result) return refuse(result.problems.join(' '));
    await run(async () => {
      const updated = await props.tokens.patch(apiToken.id, result.patch);
      props.onSaved(updated);
      setEditing(false);
      setNotice('Limits and credits saved.');
    });
  }

  if (!editing) {
    return (
      <>
        <LimitsView apiToken={apiToken} />
        <p class="notice" role="status">
          {notice}
        </p>
        <button type="button" onClick={startEditing}>
          Edit limits and credits
        </button>
      </>
    );
  }

  return (
    <form onSubmit={submit} noValidate>
      {rows.length === 0 && <p>No rate limits: verifications are not rate limited.</p>}
      {rows.map((row, i) => (
        <fieldset key={row.key} class="limit-row">
          <legend>Rate limit {i + 1}</legend>
          <label>
            <span>
              Name <span class="hint">(a-z, 0-9, _ . -)</span>
            </span>
            <input type="text" maxLength={32} value={row.name} onInput={(e) => setRow(row.key, { name: e.currentTarget.value })} />
          </label>
          <label>
            Limit
            <input
              type="number"
              min={1}
              max={maxRatelimitLimit}
              value={row.limit}
              onInput={(e) => setRow(row.key, { limit: e.currentTarget.value })}
            />
          </label>
          <label>
            Per (seconds)
            <input
              type="number"
              min={minRatelimitDuration / 1000}
              max={maxRatelimitDuration / 1000}
              value={row.seconds}
              onInput={(e) => setRow(row.key, { seconds: e.currentTarget.value })}
            />
          </label>
          <label class="check">
            <input type="checkbox" checked={row.autoApply} onChange={(e) => setRow(row.key, { autoApply: e.currentTarget.checked })} />
            Apply to every verification
          </label>
          <button type="button" onClick={() => setRows((all) => all.filter((r) => r.key !== row.key))}>
            Remove rate limit {i + 1}
          </button>
        </fieldset>
      ))}
      <div class="buttons">
        <button
          type="button"
          disabled={rows.length >= maxRatelimits}
          onClick={() => setRows((all) => [...all, { key: newRowKey(), name: '', limit: '', seconds: '60', autoApply: true }])}
        >
          Add a rate limit
        </button>
        {rows.length >= maxRatelimits && <span class="hint">At most {maxRatelimits} rate limits.</span>}
      </div>

      <fieldset>
        <legend>Credits</legend>
        <label class="check">
          <input type="checkbox" checked={form.limited} onChange={(e) => setCredits({ limited: e.currentTarget.checked })} />
          Limit credits (unchecked: unlimited)
        </label>
        {form.limited && (
          <>
            <label>
              Remaining credits
              <input
                type="number"
                min={0}
                max={maxCredits}
                value={form.remaining}
                onInput={(e) => setCredits({ remaining: e.currentTarget.value })}
              />
            </label>
            <label>
              Refill
              <select value={form.interval} onChange={(e) => setCredits({ interval: e.currentTarget.value as Interval })}>
                <option value="none">No refill</option>
                <option value="daily">Daily</option>
                <option value="monthly">Monthly</option>
              </select>
            </label>
            {form.interval !== 'none' && (
              <label>
                Refill amount
                <input
                  type="number"
                  min={1}
                  max={maxCredits}
                  value={form.amount}
                  onInput={(e) => setCredits({ amount: e.currentTarget.value })}
                />
              </label>
            )}
            {form.interval === 'monthly' && (
              <label>
                <span>
                  Refill day <span class="hint">(1 to 31; the last day of shorter months counts; empty: the 1st)</span>
                </span>
                <input
                  type="number"
                  min={1}
                  max={31}
                  value={form.refillDay}
                  onInput={(e) => setCredits({ refillDay: e.currentTarget.value })}
                />
              </label>
            )}
          </>
        )}
      </fieldset>
      <ErrorAlert error={error} />
      <div class="buttons">
        <button type="submit" class="primary" disabled={busy}>
          Save limits and credits
        </button>
        <button type="button" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
