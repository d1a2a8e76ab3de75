// An application's usage: every token's verifications summed (deleted tokens too),
// through UsagePanel, and the ten most verified tokens of the same answer, each
// linking to its token page.
import type { ApplicationUsage as Answer, UsageQuery } from '@latchkey/contract';
import { clientFor } from './api.js';
import { href } from './router.js';
import { Swatch } from './UsageChart.js';
import { UsagePanel } from './UsagePanel.js';
import { codesIn } from './usage-series.js';

const count = new Intl.NumberFormat();

function TopTokens(props: { applicationId: string; topTokens: Answer['topTokens']; rangeLabel: string }) {
  return (
    <div class="table-wrap usage-top">
      <table class="cards">
        <caption>Most verified tokens, {props.rangeLabel}</caption>
        <thead>
          <tr>
            <th scope="col">Token</th>
            <th scope="col" class="number">
              Verifications
            </th>
            <th scope="col">By outcome</th>
          </tr>
        </thead>
        <tbody>
          {props.topTokens.length === 0 && (
            <tr>
              <td colSpan={3}>No token was verified in this range.</td>
            </tr>
          )}
          {props.topTokens.map((top) => (
            <tr key={top.apiTokenId}>
              <th scope="row" data-label="Token">
                {top.name === undefined ? (
                  // A deleted token's verifications still count; it has no page any more.
                  <span class="hint">deleted token</span>
                ) : (
                  <a
                    href={href({
                      page: 'token',
                      owner: { kind: 'application', applicationId: props.applicationId },
                      apiTokenId: top.apiTokenId,
                    })}
                  >
                    {top.name}
                  </a>
                )}
              </th>
              <td data-label="Verifications" class="number">
                {count.format(top.total)}
              </td>
              <td data-label="By outcome">
                <ul class="usage-breakdown">
                  {codesIn(top.totals).map((code) => (
                    <li key={code}>
                      <Swatch code={code} />
                      {code} {count.format(top.totals[code]!)}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ApplicationUsage({ token, applicationId }: { token: string; applicationId: string }) {
  const load = (query: UsageQuery) => clientFor(token).application.usage({ applicationId, ...query });
  return (
    <UsagePanel label="Verifications of this application's tokens" load={load}>
      {(usage, range) => <TopTokens applicationId={applicationId} topTokens={usage.topTokens} rangeLabel={range.label.toLowerCase()} />}
    </UsagePanel>
  );
}
