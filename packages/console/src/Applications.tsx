// The applications the signed-in user reaches: its own and its organizations'
// (GET /applications, paged by the API).
import type { Applications as ApplicationsPage } from '@latchkey/contract';
import { useEffect, useState } from 'preact/hooks';
import { clientFor, formatDate, toShownError, type ShownError } from './api.js';
import { ErrorAlert } from './ui.js';

const perPage = 25;

export function Applications({ token }: { token: string }) {
  const [page, setPage] = useState(0);
  const [data, setData] = useState<ApplicationsPage | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [loading, setLoading] = useState(true);
  const [openId, setOpenId] = useState('');

  useEffect(() => {
    let current = true;
    setLoading(true);
    clientFor(token)
      .applications.get({ page, perPage, sortField: 'name', sortDirection: 'asc' })
      .then((answer) => {
        if (!current) return;
        setData(answer);
        setError(null);
      })
      .catch((e: unknown) => current && setError(toShownError(e)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [token, page]);

  const pages = data ? Math.max(1, Math.ceil(data.totalCount / perPage)) : 1;

  return (
    <main>
      <h1>Applications</h1>
      <ErrorAlert error={error} />
      {data && (
        <>
          <p class="hint" aria-live="polite">
            {data.totalCount === 1 ? '1 application' : `${data.totalCount} applications`}
            {loading ? ' (loading…)' : ''}
          </p>
          {data.items.length > 0 ? (
            <div class="table-wrap">
              <table class="cards">
                <caption class="visually-hidden">Applications you reach</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Owner</th>
                    <th scope="col">Description</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((application) => (
                    <tr key={application.id}>
                      <td data-label="Name">
                        <a href={`#/applications/${encodeURIComponent(application.id)}`}>{application.name}</a>
                      </td>
                      <td data-label="Owner">
                        {application.ownerType === 'organization'
                          ? `Organization: ${application.organizationName ?? application.ownerId}`
                          : 'You'}
                      </td>
                      <td data-label="Description">{application.description}</td>
                      <td data-label="Created">
                        <time dateTime={application.creationDate}>{formatDate(application.creationDate)}</time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p>No applications yet.</p>
          )}
          {pages > 1 && (
            <nav class="pager" aria-label="Applications pages">
              <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
                Previous page
              </button>
              <span>
                Page {page + 1} of {pages}
              </span>
              <button type="button" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
                Next page
              </button>
            </nav>
          )}
        </>
      )}
      <form
        class="open-by-id"
        onSubmit={(e) => {
          e.preventDefault();
          if (openId.trim()) location.hash = `#/applications/${encodeURIComponent(openId.trim())}`;
        }}
      >
        <label>
          Open an application by ID
          <input type="text" autocomplete="off" spellcheck={false} value={openId} onInput={(e) => setOpenId(e.currentTarget.value)} />
        </label>
        <button type="submit">Open</button>
      </form>
    </main>
  );
}
