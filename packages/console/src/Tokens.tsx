// One token table for an application's tokens and for the signed-in user's own
// ("My tokens"): sorted, filtered and paged by the API's own query parameters (never
// by loading everything), with create, activate/deactivate, edit and delete. Each
// name links to the token's page. The owner is told apart in token-owner.ts only.
import type { ApiToken, ApiTokenFilterField, ApiTokenSortField } from '@latchkey/contract';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { formatDate } from './api.js';
import { href, type TokenOwner } from './router.js';
import { CreateTokenDialog } from './CreateToken.js';
import { summarizeScope } from './scopes.js';
import { TokenEditDialog } from './TokenEditDialog.js';
import { ownerKey, tokenOwnerApi } from './token-owner.js';
import { ConfirmDialog, ErrorAlert, Pager, useLoad, useSubmit } from './ui.js';

interface Query {
  sortField: ApiTokenSortField;
  sortDirection: 'asc' | 'desc';
  page: number;
  perPage: number;
  filterField: ApiTokenFilterField;
  filter: string;
}

const perPageChoices = [10, 25, 50, 100];

export function ScopeSummary({ scope }: { scope: readonly string[] }) {
  const summary = summarizeScope(scope);
  if (!/ scopes?$/.test(summary)) return <span title={scope.join(', ')}>{summary}</span>;
  return (
    <details class="scope-list" title={scope.join(', ')}>
      <summary>{summary}</summary>
      <ul>
        {scope.map((s) => (
          <li key={s}>
            <code>{s}</code>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** The status to show: an expired token is still "active" in the API, but refused. */
export function statusOf(token: ApiToken, now: number): string {
  if (token.expirationDate && Date.parse(token.expirationDate) <= now) return 'expired';
  return token.status;
}

type Modal = { kind: 'create' } | { kind: 'edit'; apiToken: ApiToken } | { kind: 'delete'; apiToken: ApiToken };

const columns: ReadonlyArray<{ label: string; sortField?: ApiTokenSortField }> = [
  { label: 'Name', sortField: 'name' },
  { label: 'Scope' },
  { label: 'Creator' },
  { label: 'Created', sortField: 'creationDate' },
  { label: 'Expires', sortField: 'expirationDate' },
  { label: 'Last used' },
  { label: 'Status', sortField: 'status' },
];

/** The list's heading: the page's own (My tokens) or a section of the application page. */
function Heading({ owner, applicationName }: { owner: TokenOwner; applicationName: string | undefined }) {
  if (owner.kind === 'me') return <h1>My tokens</h1>;
  return <h2>Tokens of {applicationName !== undefined ? `“${applicationName}”` : `application ${owner.applicationId}`}</h2>;
}

export function Tokens({ token, owner, applicationName }: { token: string; owner: TokenOwner; applicationName?: string }) {
  const key = ownerKey(owner);
  const tokens = useMemo(() => tokenOwnerApi(token, owner), [token, key]);
  const [query, setQuery] = useState<Query>({
    sortField: 'creationDate',
    sortDirection: 'desc',
    page: 0,
    perPage: 25,
    filterField: 'name',
    filter: '',
  });
  const [filterText, setFilterText] = useState('');
  const [notice, setNotice] = useState('');
  const [modal, setModal] = useState<Modal | null>(null);
  const { busyKey: busyId, error: actionError, run } = useSubmit();

  // The filter box applies a moment after typing stops.
  useEffect(() => {
    const timer = setTimeout(() => {
      setQuery((q) => (q.filter === filterText ? q : { ...q, filter: filterText, page: 0 }));
    }, 250);
    return () => clearTimeout(timer);
  }, [filterText]);

  const list = useLoad(() => {
    const filter = query.filter.trim();
    return tokens.list({
      sortField: query.sortField,
      sortDirection: query.sortDirection,
      page: query.page,
      perPage: query.perPage,
      ...(filter ? { filterField: query.filterField, filter } : {}),
    });
  }, [tokens, query]);
  const data = list.data;
  const loading = list.loading;
  const error = actionError ?? list.error;

  function sortBy(field: ApiTokenSortField) {
    setQuery((q) => ({
      ...q,
      page: 0,
      sortField: field,
      sortDirection: q.sortField === field && q.sortDirection === 'asc' ? 'desc' : 'asc',
    }));
  }

  async function setStatus(apiToken: ApiToken, status: 'active' | 'inactive') {
    setNotice('');
    await run(async () => {
      await tokens.patch(apiToken.id, { status });
      setNotice(`“${apiToken.name}” is now ${status}.`);
      list.reload();
    }, apiToken.id);
  }

  const now = Date.now();

  return (
    <section class="token-list">
      <div class="title-row">
        <Heading owner={owner} applicationName={applicationName} />
        <button
          type="button"
          class="primary"
          onClick={() => {
            setNotice('');
            setModal({ kind: 'create' });
          }}
        >
          Create token
        </button>
      </div>

      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery((q) => ({ ...q, filter: filterText, page: 0 }));
        }}
      >
        <label>
          Filter by
          <select
            value={query.filterField}
            onChange={(e) => {
              const filterField: ApiTokenFilterField = e.currentTarget.value === 'status' ? 'status' : 'name';
              setQuery((q) => ({ ...q, filterField, page: 0 }));
            }}
          >
            <option value="name">Name</option>
            <option value="status">Status</option>
          </select>
        </label>
        <label class="grow">
          <span>
            Filter{' '}
            <span class="hint">
              (glob: <code>*</code> matches anything)
            </span>
          </span>
          <input type="search" value={filterText} placeholder="e.g. device*" onInput={(e) => setFilterText(e.currentTarget.value)} />
        </label>
        <label>
          Per page
          <select
            value={String(query.perPage)}
            onChange={(e) => {
              const perPage = Number(e.currentTarget.value);
              setQuery((q) => ({ ...q, perPage, page: 0 }));
            }}
          >
            {perPageChoices.map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </form>

      <ErrorAlert error={error} />
      <p class="notice" role="status">
        {notice}
      </p>

      {data && (
        <>
          <p class="hint" aria-live="polite">
            {data.totalCount === 1 ? '1 token' : `${data.totalCount} tokens`}
            {query.filter.trim() ? (data.totalCount === 1 ? ' matches the filter' : ' match the filter') : ''}
            {loading ? ' (loading…)' : ''}
          </p>
          <div class="table-wrap">
            <table class="cards tokens" aria-busy={loading ? 'true' : 'false'}>
              <caption class="visually-hidden">Tokens; column headers with a button sort the list</caption>
              <thead>
                <tr>
                  {columns.map((column) => {
                    const sorted = column.sortField !== undefined && column.sortField === query.sortField;
                    return (
                      <th
                        scope="col"
                        key={column.label}
                        aria-sort={sorted ? (query.sortDirection === 'asc' ? 'ascending' : 'descending') : undefined}
                      >
                        {column.sortField ? (
                          <button type="button" class="sort" onClick={() => sortBy(column.sortField!)}>
                            {column.label}
                            <span aria-hidden="true" class="arrow">
                              {sorted ? (query.sortDirection === 'asc' ? ' ▲' : ' ▼') : ' ↕'}
                            </span>
                          </button>
                        ) : (
                          column.label
                        )}
                      </th>
                    );
                  })}
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {data.items.length === 0 && (
                  <tr>
                    <td colSpan={columns.length + 1}>{query.filter.trim() ? 'No token matches the filter.' : 'No tokens yet.'}</td>
                  </tr>
                )}
                {data.items.map((apiToken) => {
                  const status = statusOf(apiToken, now);
                  return (
                    <tr key={apiToken.id}>
                      <th scope="row" data-label="Name">
                        <a href={href({ page: 'token', owner, apiTokenId: apiToken.id })}>{apiToken.name}</a>
                        {apiToken.description ? <div class="hint">{apiToken.description}</div> : null}
                      </th>
                      <td data-label="Scope">
                        <ScopeSummary scope={apiToken.scope} />
                      </td>
                      <td data-label="Creator">{apiToken.creatorName ?? apiToken.creatorType ?? ''}</td>
                      <td data-label="Created">
                        <time dateTime={apiToken.creationDate}>{formatDate(apiToken.creationDate)}</time>
                      </td>
                      <td data-label="Expires">
                        {apiToken.expirationDate ? (
                          <time dateTime={apiToken.expirationDate}>{formatDate(apiToken.expirationDate)}</time>
                        ) : (
                          'Never'
                        )}
                      </td>
                      <td data-label="Last used">
                        {apiToken.lastUsed ? <time dateTime={apiToken.lastUsed}>{formatDate(apiToken.lastUsed)}</time> : 'Never'}
                      </td>
                      <td data-label="Status">
                        <span class={`status ${status}`}>{status}</span>
                      </td>
                      <td data-label="Actions" class="actions">
                        {apiToken.status === 'active' ? (
                          <button
                            type="button"
                            disabled={busyId === apiToken.id}
                            aria-label={`Deactivate ${apiToken.name}`}
                            onClick={() => setStatus(apiToken, 'inactive')}
                          >
                            Deactivate
                          </button>
                        ) : (
                          <button
                            type="button"
                            disabled={busyId === apiToken.id}
                            aria-label={`Activate ${apiToken.name}`}
                            onClick={() => setStatus(apiToken, 'active')}
                          >
                            Activate
                          </button>
                        )}
                        <button type="button" aria-label={`Edit ${apiToken.name}`} onClick={() => setModal({ kind: 'edit', apiToken })}>
                          Edit
                        </button>
                        <button
                          type="button"
                          class="danger"
                          aria-label={`Delete ${apiToken.name}`}
                          onClick={() => setModal({ kind: 'delete', apiToken })}
                        >
                          Delete
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager
            label="Token pages"
            page={data.page}
            perPage={data.perPage}
            totalCount={data.totalCount}
            onPage={(page) => setQuery((q) => ({ ...q, page }))}
          />
        </>
      )}

      {modal?.kind === 'create' && (
        <CreateTokenDialog
          tokens={tokens}
          onClose={(created) => {
            setModal(null);
            if (created) list.reload();
          }}
        />
      )}
      {modal?.kind === 'edit' && (
        <TokenEditDialog
          tokens={tokens}
          apiToken={modal.apiToken}
          onClose={(saved) => {
            setModal(null);
            if (saved) {
              setNotice(`“${modal.apiToken.name}” saved.`);
              list.reload();
            }
          }}
        />
      )}
      {modal?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete “${modal.apiToken.name}”?`}
          confirmLabel="Delete token"
          onConfirm={async () => {
            await tokens.delete(modal.apiToken.id);
          }}
          onClose={(deleted) => {
            setModal(null);
            if (deleted) {
              setNotice(`“${modal.apiToken.name}” deleted.`);
              list.reload();
            }
          }}
        >
          <p>Anything still using this token is refused from the next request. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
