// The applications the signed-in user reaches: its own and its organizations'
// (GET /applications, paged by the API), a dialog creating one, and a box opening
// one by its id (for a token that may not list them).
import { useState } from 'preact/hooks';
import { clientFor, formatDate } from './api.js';
import { CreateApplicationDialog } from './CreateApplication.js';
import { href, navigate } from './router.js';
import { ErrorAlert, Pager, useLoad } from './ui.js';

const perPage = 25;

export function Applications({ token }: { token: string }) {
  const [page, setPage] = useState(0);
  const [openId, setOpenId] = useState('');
  const [creating, setCreating] = useState(false);
  const { data, error, loading } = useLoad(
    () => clientFor(token).applications.get({ page, perPage, sortField: 'name', sortDirection: 'asc' }),
    [token, page],
  );

  return (
    <main>
      <div class="title-row">
        <h1>Applications</h1>
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Create application
        </button>
      </div>
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
                      <th scope="row" data-label="Name">
                        <a href={href({ page: 'application', applicationId: application.id, tab: 'tokens' })}>{application.name}</a>
                      </th>
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
          <Pager label="Applications pages" page={data.page} perPage={data.perPage} totalCount={data.totalCount} onPage={setPage} />
        </>
      )}
      <form
        class="open-by-id"
        onSubmit={(e) => {
          e.preventDefault();
          if (openId.trim()) navigate({ page: 'application', applicationId: openId.trim(), tab: 'tokens' });
        }}
      >
        <label>
          Open an application by ID
          <input type="text" autocomplete="off" spellcheck={false} value={openId} onInput={(e) => setOpenId(e.currentTarget.value)} />
        </label>
        <button type="submit">Open</button>
      </form>
      {creating && (
        <CreateApplicationDialog
          token={token}
          onClose={(created) => {
            setCreating(false);
            if (created) navigate({ page: 'application', applicationId: created.id, tab: 'tokens' });
          }}
        />
      )}
    </main>
  );
}
