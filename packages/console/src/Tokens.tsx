// An application's tokens: sorted, filtered and paged by the API's own query
// parameters (never by loading everything), with create, activate/deactivate, edit
// and delete.
import type { ApiToken, ApiTokenFilterField, ApiTokens, ApiTokenSortField, Application } from '@latchkey/contract';
import { useEffect, useRef, useState } from 'preact/hooks';
import { clientFor, formatDate, toShownError, type ShownError } from './api.js';
import type { TokenOwner } from './router.js';
import { CreateTokenDialog } from './CreateToken.js';
import { summarizeScope } from './scopes.js';
import { Dialog, ErrorAlert, NameFields } from './ui.js';

interface Query {
  sortField: ApiTokenSortField;
  sortDirection: 'asc' | 'desc';
  page: number;
  perPage: number;
  filterField: ApiTokenFilterField;
  filter: string;
}

const perPageChoices = [10, 25, 50, 100];

function ScopeSummary({ scope }: { scope: readonly string[] }) {
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

function statusOf(token: ApiToken, now: number): string {
  if (token.expirationDate && Date.parse(token.expirationDate) <= now) return 'expired';
  return token.status;
}

function EditDialog(props: { token: string; applicationId: string; apiToken: ApiToken; onClose: (saved: boolean) => void }) {
  const [name, setName] = useState(props.apiToken.name);
  const [description, setDescription] = useState(props.apiToken.description ?? '');
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await clientFor(props.token).applicationApiToken.patch({
        applicationId: props.applicationId,
        apiTokenId: props.apiToken.id,
        apiToken: { name: name.trim(), description },
      });
      props.onClose(true);
    } catch (e) {
      setError(toShownError(e));
      setBusy(false);
    }
  }
  return (
    <Dialog title={`Edit “${props.apiToken.name}”`} onClose={() => props.onClose(false)}>
      <form onSubmit={submit}>
        <NameFields name={name} description={description} onName={setName} onDescription={setDescription} descriptionRows={3} />
        <ErrorAlert error={error} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy}>
            Save
          </button>
          <button type="button" onClick={() => props.onClose(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteDialog(props: { token: string; applicationId: string; apiToken: ApiToken; onClose: (deleted: boolean) => void }) {
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await clientFor(props.token).applicationApiToken.delete({ applicationId: props.applicationId, apiTokenId: props.apiToken.id });
      props.onClose(true);
    } catch (e) {
      setError(toShownError(e));
      setBusy(false);
    }
  }
  return (
    <Dialog title={`Delete “${props.apiToken.name}”?`} onClose={() => props.onClose(false)}>
      <p>Anything still using this token is refused from the next request. This cannot be undone.</p>
      <ErrorAlert error={error} />
      <div class="buttons">
        <button type="button" class="danger" disabled={busy} onClick={confirm}>
          Delete token
        </button>
        <button type="button" autofocus onClick={() => props.onClose(false)}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
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

export function Tokens({ token, owner }: { token: string; owner: TokenOwner }) {
  const applicationId = owner.kind === 'application' ? owner.applicationId : '';
  const [application, setApplication] = useState<Application | null>(null);
  const [query, setQuery] = useState<Query>({
    sortField: 'creationDate',
    sortDirection: 'desc',
    page: 0,
    perPage: 25,
    filterField: 'name',
    filter: '',
  });
  const [filterText, setFilterText] = useState('');
  const [data, setData] = useState<ApiTokens | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ShownError | null>(null);
  const [notice, setNotice] = useState('');
  const [modal, setModal] = useState<Modal | null>(null);
  const [reload, setReload] = useState(0);
  const [busyId, setBusyId] = useState<string | null>(null);
  const request = useRef(0);

  useEffect(() => {
    let current = true;
    clientFor(token)
      .application.get({ applicationId })
      .then((answer) => current && setApplication(answer))
      .catch(() => undefined); // a token without application.get still manages tokens
    return () => {
      current = false;
    };
  }, [token, applicationId]);

  // The filter box applies a moment after typing stops.
  useEffect(() => {
    const timer = setTimeout(() => {
      setQuery((q) => (q.filter === filterText ? q : { ...q, filter: filterText, page: 0 }));
    }, 250);
    return () => clearTimeout(timer);
  }, [filterText]);

  useEffect(() => {
    const id = ++request.current;
    setLoading(true);
    const filtered = query.filter.trim() !== '';
    clientFor(token)
      .applicationApiTokens.get({
        applicationId,
        sortField: query.sortField,
        sortDirection: query.sortDirection,
        page: query.page,
        perPage: query.perPage,
        ...(filtered ? { filterField: query.filterField, filter: query.filter.trim() } : {}),
      })
      .then((answer) => {
        if (id !== request.current) return;
        setData(answer);
        setError(null);
      })
      .catch((e: unknown) => {
        if (id !== request.current) return;
        setData(null);
        setError(toShownError(e));
      })
      .finally(() => id === request.current && setLoading(false));
  }, [token, applicationId, query, reload]);

  const refresh = () => setReload((n) => n + 1);

  function sortBy(field: ApiTokenSortField) {
    setQuery((q) => ({
      ...q,
      page: 0,
      sortField: field,
      sortDirection: q.sortField === field && q.sortDirection === 'asc' ? 'desc' : 'asc',
    }));
  }

  async function setStatus(apiToken: ApiToken, status: 'active' | 'inactive') {
    setBusyId(apiToken.id);
    setError(null);
    setNotice('');
    try {
      await clientFor(token).applicationApiToken.patch({ applicationId, apiTokenId: apiToken.id, apiToken: { status } });
      setNotice(`“${apiToken.name}” is now ${status}.`);
      refresh();
    } catch (e) {
      setError(toShownError(e));
    } finally {
      setBusyId(null);
    }
  }

  // What is shown follows the page the API answered, not the one being asked for.
  const pages = data ? Math.max(1, Math.ceil(data.totalCount / data.perPage)) : 1;
  const now = Date.now();

  return (
    <main>
      <p class="breadcrumb">
        <a href="#/">Applications</a> / {application?.name ?? applicationId}
      </p>
      <div class="title-row">
        <h1>Tokens of {application ? `“${application.name}”` : `application ${applicationId}`}</h1>
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
            {query.filter.trim() ? ' match the filter' : ''}
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
                        {apiToken.name}
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
          <nav class="pager" aria-label="Token pages">
            <button type="button" disabled={query.page === 0} onClick={() => setQuery((q) => ({ ...q, page: q.page - 1 }))}>
              Previous page
            </button>
            <span>
              Page {data.page + 1} of {pages}
            </span>
            <button type="button" disabled={query.page + 1 >= pages} onClick={() => setQuery((q) => ({ ...q, page: q.page + 1 }))}>
              Next page
            </button>
          </nav>
        </>
      )}

      {modal?.kind === 'create' && (
        <CreateTokenDialog
          token={token}
          applicationId={applicationId}
          onClose={(created) => {
            setModal(null);
            if (created) refresh();
          }}
        />
      )}
      {modal?.kind === 'edit' && (
        <EditDialog
          token={token}
          applicationId={applicationId}
          apiToken={modal.apiToken}
          onClose={(saved) => {
            setModal(null);
            if (saved) {
              setNotice(`“${modal.apiToken.name}” saved.`);
              refresh();
            }
          }}
        />
      )}
      {modal?.kind === 'delete' && (
        <DeleteDialog
          token={token}
          applicationId={applicationId}
          apiToken={modal.apiToken}
          onClose={(deleted) => {
            setModal(null);
            if (deleted) {
              setNotice(`“${modal.apiToken.name}” deleted.`);
              refresh();
            }
          }}
        />
      )}
    </main>
  );
}
