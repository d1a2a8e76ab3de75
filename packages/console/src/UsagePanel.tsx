// Verifications over a chosen range: the range picker, the chart stacked by outcome
// (UsageChart.tsx) and the totals per outcome. The token page passes `load` for its
// token; the application page passes its own and renders its top tokens from the same
// answer through `children`, so one request serves both.
import type { Usage, UsageQuery, UsageResolution } from '@latchkey/contract';
import type { ComponentChildren } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';
import { ErrorAlert, useLoad } from './ui.js';
import { Swatch, UsageChart } from './UsageChart.js';
import { codesIn, toSeries, totalOf } from './usage-series.js';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** The ranges offered; each fits what the API keeps at its resolution (minutes 48 h, hours 90 days). */
export const usageRanges = [
  { id: 'hour', label: 'Last hour, per minute', resolution: 'minute', spanMs: hourMs, phrase: 'per minute over the last hour' },
  { id: 'day', label: 'Last 24 hours, per hour', resolution: 'hour', spanMs: dayMs, phrase: 'per hour over the last 24 hours' },
  { id: 'week', label: 'Last 7 days, per hour', resolution: 'hour', spanMs: 7 * dayMs, phrase: 'per hour over the last 7 days' },
  { id: 'month', label: 'Last 30 days, per day', resolution: 'day', spanMs: 30 * dayMs, phrase: 'per day over the last 30 days' },
] as const satisfies ReadonlyArray<{ id: string; label: string; resolution: UsageResolution; spanMs: number; phrase: string }>;
type UsageRange = (typeof usageRanges)[number];

const count = new Intl.NumberFormat();

function UsageTotals({ totals, caption }: { totals: Usage['totals']; caption: string }) {
  return (
    <div class="table-wrap usage-totals">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Outcome</th>
            <th scope="col" class="number">
              Verifications
            </th>
          </tr>
        </thead>
        <tbody>
          {codesIn(totals).map((code) => (
            <tr key={code}>
              <th scope="row">
                <Swatch code={code} />
                {code}
              </th>
              <td class="number">{count.format(totals[code]!)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td class="number">{count.format(totalOf(totals))}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

export function UsagePanel<T extends Usage = Usage>(props: {
  label: string;
  load: (query: UsageQuery) => Promise<T>;
  /** More from the same answer (the application's top tokens). */
  children?: (usage: T, range: UsageRange) => ComponentChildren;
}) {
  const [range, setRange] = useState<UsageRange>(usageRanges[1]);
  const headingId = useId();
  // The newest `load` is used; what it loads changes with the page, which keys this panel.
  const load = useRef(props.load);
  load.current = props.load;
  const answer = useLoad(async () => {
    // The range ends now, at each load (and each Refresh).
    const end = Date.now();
    const start = end - range.spanMs;
    const usage = await load.current({
      resolution: range.resolution,
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
    });
    return { usage, range, series: toSeries(usage, range.resolution, start, end) };
  }, [range, props.label]);
  const shown = answer.data;
  const total = shown ? totalOf(shown.usage.totals) : 0;
  const summary =
    shown &&
    `Verifications ${shown.range.phrase}, stacked by outcome: ${count.format(total)} in all` +
      codesIn(shown.usage.totals)
        .map((code) => `, ${code} ${count.format(shown.usage.totals[code]!)}`)
        .join('');

  return (
    <section class="usage" aria-labelledby={headingId} aria-busy={answer.loading ? 'true' : 'false'}>
      <h2 id={headingId}>{props.label}</h2>
      <div class="toolbar">
        <label>
          Range
          <select
            value={range.id}
            onChange={(e) => {
              const picked = usageRanges.find((r) => r.id === e.currentTarget.value);
              if (picked) setRange(picked);
            }}
          >
            {usageRanges.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        {/* Never disabled, so focus stays on it; the newest answer wins (useLoad). */}
        <button type="button" onClick={answer.reload}>
          Refresh
        </button>
      </div>
      <ErrorAlert error={answer.error} />
      <p class="hint" role="status">
        {answer.loading ? 'Loading usage…' : shown ? `Showing ${shown.range.label.toLowerCase()} (times in UTC).` : ''}
      </p>
      {shown && (
        <>
          {total === 0 ? (
            <p class="usage-empty">No verifications in this range.</p>
          ) : (
            <UsageChart series={shown.series} description={summary!} />
          )}
          <UsageTotals totals={shown.usage.totals} caption={`Verifications by outcome, ${shown.range.label.toLowerCase()}`} />
          {props.children?.(shown.usage, shown.range)}
        </>
      )}
    </section>
  );
}
