// The signed-in user's organizations (GET /orgs, paged by the API), with their role
// in each, and a dialog creating one (the creator is its first admin).
import type { Org } from '@latchkey/contract';
import { useState } from 'preact/hooks';
import { clientFor, formatDate } from './api.js';
import { myRole, roleLabels, useMyUserId } from './organization-roles.js';
import { href, navigate } from './router.js';
import { blankName, Dialog, ErrorAlert, NameFields, Pager, useLoad, useSubmit } from './ui.js';

const perPage = 25;

function CreateOrganizationDialog(props: { token: string; onClose: (created: Org | null) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const { busy, error, refuse, run } = useSubmit();
  async function submit(event: Event) {
    event.preventDefault();
    if (name.trim() === '') return refuse(blankName);
    await run(async () =>
      props.onClose(
        await clientFor(props.token).orgs.post({ organization: { name: name.trim(), ...(description ? { description } : {}) } }),
      ),
    );
  }
  return (
    <Dialog title="Create an organization" onClose={() => props.onClose(null)}>
      <form onSubmit={submit}>
        <NameFields name={name} description={description} onName={setName} onDescription={setDescription} descriptionRows={2} />
        <p class="hint">You become its first admin.</p>
        <ErrorAlert error={error} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy}>
            Create organization
          </button>
          <button type="button" onClick={() => props.onClose(null)}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function Organizations({ token }: { token: string }) {
  const [page, setPage] = useState(0);
  const [creating, setCreating] = useState(false);
  const userId = useMyUserId(token);
  const { data, error, loading } = useLoad(
    () => clientFor(token).orgs.get({ page, perPage, sortField: 'name', sortDirection: 'asc' }),
    [token, page],
  );
  return (
    <main>
      <div class="title-row">
        <h1>Organizations</h1>
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Create organization
        </button>
      </div>
      <ErrorAlert error={error} />
      {data && (
        <>
          <p class="hint" aria-live="polite">
            {data.totalCount === 1 ? '1 organization' : `${data.totalCount} organizations`}
            {loading ? ' (loading…)' : ''}
          </p>
          {data.items.length > 0 ? (
            <div class="table-wrap">
              <table class="cards">
                <caption class="visually-hidden">Your organizations</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Your role</th>
                    <th scope="col">Members</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((org) => {
                    const role = myRole(org, userId);
                    return (
                      <tr key={org.id}>
                        <th scope="row" data-label="Name">
                          <a href={href({ page: 'organization', orgId: org.id, tab: 'members' })}>{org.name}</a>
                          {org.description ? <div class="hint">{org.description}</div> : null}
                        </th>
                        <td data-label="Your role">{role ? roleLabels[role] : 'Not known'}</td>
                        <td data-label="Members">{org.members.length}</td>
                        <td data-label="Created">
                          <time dateTime={org.creationDate}>{formatDate(org.creationDate)}</time>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ) : (
            <p>No organizations yet.</p>
          )}
          <Pager label="Organizations pages" page={data.page} perPage={data.perPage} totalCount={data.totalCount} onPage={setPage} />
        </>
      )}
      {creating && (
        <CreateOrganizationDialog
          token={token}
          onClose={(created) => {
            setCreating(false);
            if (created) navigate({ page: 'organization', orgId: created.id, tab: 'members' });
          }}
        />
      )}
    </main>
  );
}
