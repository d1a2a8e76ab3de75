// An audit trail: an application's, an organization's or the signed-in user's own.
// Filtered (actor, action glob, time range) and paged by the API's own query
// parameters, never by loading the trail; each entry opens to show every field.
import type { AuditLogEntry, AuditLogs } from '@latchkey/contract';
import { useId, useState } from 'preact/hooks';
import { clientFor, formatDate } from './api.js';
import type { AuditSubject } from './router.js';
import { ErrorAlert, Pager, useLoad } from './ui.js';

type ActorType = NonNullable<AuditLogEntry['actorType']>;
const actorTypes: ReadonlyArray<{ value: ActorType; label: string }> = [
  { value: 'user', label: 'User (signed in)' },
  { value: 'apiToken', label: 'API token' },
  { value: 'operator', label: 'Operator (command line)' },
  { value: 'anonymous', label: 'Anonymous' },
  { value: 'github', label: 'GitHub secret scanning' },
];
const perPageChoices = [10, 25, 50, 100];

/** The filters as typed: datetime-local values (the browser's local time), blank for none. */
interface Filters {
  actorType: ActorType | '';
  actorId: string;
  action: string;
  from: string;
  to: string;
}
const noFilters: Filters = { actorType: '', actorId: '', action: '', from: '', to: '' };

/**
 * A datetime-local value as the ISO instant the API takes. Without seconds the
 * "to" end covers its whole minute, as the picker shows it (the API's end is inclusive).
 */
function isoOf(local: string, end: boolean): string | undefined {
  if (!local) return undefined;
  const ms = new Date(local).getTime();
  if (Number.isNaN(ms)) return undefined;
  return new Date(end && local.length <= 16 ? ms + 59_999 : ms).toISOString();
}

/** The query the filters make: only what is set, so Losant-shaped calls stay as they were. */
function queryOf(filters: Filters) {
  const start = isoOf(filters.from, false);
  const end = isoOf(filters.to, true);
  const action = filters.action.trim();
  const actorId = filters.actorId.trim();
  return {
    ...(filters.actorType ? { actorType: filters.actorType } : {}),
    ...(actorId ? { actorId } : {}),
    ...(action ? { filterField: 'action' as const, filter: action } : {}),
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
  };
}

const descriptions: Record<AuditSubject['kind'], string> = {
  application: 'Every change to this application, its tokens and webhooks, newest first.',
  organization:
    "Changes to this organization, its members and its applications (each application's tokens are in its own log), newest first.",
  me: 'What you and your own API tokens did, and what was done to your account and your tokens, newest first.',
};

/** What the page shows of any of the three trails' answers. */
type TrailPage = Pick<AuditLogs, 'items' | 'page' | 'perPage' | 'totalCount'>;

function trailOf(
  token: string,
  subject: AuditSubject,
  query: ReturnType<typeof queryOf> & { page: number; perPage: number },
): Promise<TrailPage> {
  const client = clientFor(token);
  switch (subject.kind) {
    case 'application':
      return client.application.auditLogs({ applicationId: subject.applicationId, ...query });
    case 'organization':
      return client.org.auditLogs({ orgId: subject.orgId, ...query });
    case 'me':
      return client.me.auditLogs(query);
  }
}

function actorOf(entry: AuditLogEntry): string {
  const type = actorTypes.find((t) => t.value === entry.actorType)?.label ?? entry.actorType;
  return entry.actorId ? `${type} ${entry.actorId}` : type;
}

/** Every field of an entry, the detail's facts last. */
function EntryFields({ entry, id }: { entry: AuditLogEntry; id: string }) {
  const fields: Array<[string, string | undefined]> = [
    ['Entry id', entry.id],
    ['Time (UTC)', entry.creationDate],
    ['Action', entry.action],
    ['Outcome', entry.outcome],
    ['Actor type', entry.actorType],
    ['Actor id', entry.actorId],
    ['Target type', entry.targetType],
    ['Target id', entry.targetId],
    ['Application', entry.applicationId],
    ['Organization', entry.orgId],
    ['Source address', entry.sourceAddress],
    ...Object.entries(entry.detail ?? {}).map(([name, value]): [string, string] => [`Detail: ${name}`, value]),
  ];
  return (
    <dl class="audit-fields" id={id}>
      {fields.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}

function EntryRows({ entry }: { entry: AuditLogEntry }) {
  const [open, setOpen] = useState(false);
  const fieldsId = useId();
  return (
    <>
      <tr>
        <td data-label="When">
          <time dateTime={entry.creationDate}>{formatDate(entry.creationDate)}</time>
        </td>
        <th scope="row" data-label="Action">
          <code>{entry.action}</code>
        </th>
        <td data-label="Actor" class="audit-id">
          {actorOf(entry)}
        </td>
        <td data-label="Target" class="audit-id">
          {entry.targetId ? `${entry.targetType} ${entry.targetId}` : entry.targetType}
        </td>
        <td data-label="Outcome">
          <span class={`status ${entry.outcome === 'success' ? 'active' : 'inactive'}`}>{entry.outcome}</span>
        </td>
        <td class="actions">
          <button
            type="button"
            aria-expanded={open ? 'true' : 'false'}
            aria-controls={open ? fieldsId : undefined}
            aria-label={`${open ? 'Hide' : 'Show'} details of ${entry.action} at ${formatDate(entry.creationDate)}`}
            onClick={() => setOpen(!open)}
          >
            {open ? 'Hide details' : 'Details'}
          </button>
        </td>
      </tr>
      {open && (
        <tr class="audit-detail">
          <td colSpan={6}>
            <EntryFields entry={entry} id={fieldsId} />
          </td>
        </tr>
      )}
    </>
  );
}

function FilterForm(props: { applied: Filters; onApply: (filters: Filters) => void }) {
  const [draft, setDraft] = useState<Filters>(props.applied);
  const set = (field: keyof Filters) => (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) =>
    setDraft({ ...draft, [field]: e.currentTarget.value });
  const hintId = useId();
  return (
    <form
      class="toolbar audit-filters"
      role="search"
      aria-label="Filter the audit log"
      onSubmit={(e) => {
        e.preventDefault();
        props.onApply(draft);
      }}
    >
      <label>
        Actor type
        <select value={draft.actorType} onChange={set('actorType')}>
          <option value="">Any</option>
          {actorTypes.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      <label class="grow">
        Actor id
        <input
          type="text"
          spellcheck={false}
          maxLength={1024}
          placeholder="user or token id"
          value={draft.actorId}
          onInput={set('actorId')}
        />
      </label>
      <label class="grow">
        <span>
          Action{' '}
          <span class="hint">
            (glob: <code>*</code> matches anything)
          </span>
        </span>
        <input
          type="search"
          spellcheck={false}
          maxLength={255}
          placeholder="e.g. applicationApiToken.*"
          value={draft.action}
          onInput={set('action')}
        />
      </label>
      <label>
        From
        <input type="datetime-local" aria-describedby={hintId} value={draft.from} onInput={set('from')} />
      </label>
      <label>
        To
        <input type="datetime-local" aria-describedby={hintId} value={draft.to} onInput={set('to')} />
      </label>
      <p class="hint audit-range-hint" id={hintId}>
        Times are your local time; both ends are included.
      </p>
      <div class="buttons">
        <button type="submit" class="primary">
          Apply filters
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(noFilters);
            props.onApply(noFilters);
          }}
        >
          Clear filters
        </button>
      </div>
    </form>
  );
}

export function AuditLog({ token, subject }: { token: string; subject: AuditSubject }) {
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [page, setPage] = useState(0);
  const [perPage, setPerPage] = useState(25);
  const subjectKey = subject.kind === 'application' ? subject.applicationId : subject.kind === 'organization' ? subject.orgId : 'me';
  const query = queryOf(filters);
  const trail = useLoad(
    () => trailOf(token, subject, { ...query, page, perPage }),
    [token, subject.kind, subjectKey, JSON.stringify(query), page, perPage],
  );
  const filtered = Object.keys(query).length > 0;
  const data = trail.error ? null : trail.data;

  return (
    <section class="audit-log" aria-label="Audit log">
      {subject.kind !== 'me' && <h2>Audit log</h2>}
      <p class="hint">{descriptions[subject.kind]}</p>
      <FilterForm
        applied={filters}
        onApply={(next) => {
          setFilters(next);
          setPage(0);
        }}
      />
      <label class="audit-per-page">
        Per page
        <select
          value={String(perPage)}
          onChange={(e) => {
            setPerPage(Number(e.currentTarget.value));
            setPage(0);
          }}
        >
          {perPageChoices.map((n) => (
            <option key={n} value={String(n)}>
              {n}
            </option>
          ))}
        </select>
      </label>

      <ErrorAlert error={trail.error} />
      <p class="hint" role="status">
        {trail.loading
          ? 'Loading…'
          : data
            ? `${data.totalCount === 1 ? '1 entry' : `${data.totalCount} entries`}${filtered ? ' match the filters' : ''}`
            : ''}
      </p>

      {data && data.items.length === 0 && (
        <p class="card">
          {filtered ? 'No entries match these filters. Clear or widen them to see more.' : 'Nothing has been recorded here yet.'}
        </p>
      )}
      {data && data.items.length > 0 && (
        <>
          <div class="table-wrap">
            <table class="cards audit" aria-busy={trail.loading ? 'true' : 'false'}>
              <caption class="visually-hidden">Audit log entries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">
                    <span class="visually-hidden">Details</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((entry) => (
                  <EntryRows key={entry.id} entry={entry} />
                ))}
              </tbody>
            </table>
          </div>
          <Pager label="Audit log pages" page={data.page} perPage={data.perPage} totalCount={data.totalCount} onPage={setPage} />
        </>
      )}
    </section>
  );
}
