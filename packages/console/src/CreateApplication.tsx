// The "Create application" dialog: name, description and owner (the signed-in user,
// or one of their organizations). Organizations come from the paged GET /orgs: the
// first 100 by name, and a filter box (the API's name glob) when there are more.
import type { Application } from '@latchkey/contract';
import { useEffect, useState } from 'preact/hooks';
import { clientFor } from './api.js';
import { blankName, Dialog, ErrorAlert, NameFields, useLoad, useSubmit } from './ui.js';

const orgsPerPage = 100;
/** The API's limit on an application's description (applicationPostSchema). */
const descriptionMaxLength = 1024;

function OwnerPicker(props: { token: string; owner: string; onOwner: (orgId: string) => void }) {
  const [filterText, setFilterText] = useState('');
  const [filter, setFilter] = useState('');
  // The filter applies a moment after typing stops.
  useEffect(() => {
    const timer = setTimeout(() => setFilter(filterText.trim()), 250);
    return () => clearTimeout(timer);
  }, [filterText]);
  const orgs = useLoad(
    () =>
      clientFor(props.token).orgs.get({
        page: 0,
        perPage: orgsPerPage,
        sortField: 'name',
        sortDirection: 'asc',
        ...(filter ? { filterField: 'name', filter: `*${filter}*` } : {}),
      }),
    [props.token, filter],
  );
  const many = filter !== '' || (orgs.data?.totalCount ?? 0) > orgsPerPage;
  const chosenIsListed = props.owner === '' || orgs.data?.items.some((org) => org.id === props.owner);
  return (
    <>
      {many && (
        <label>
          <span>
            Find an organization <span class="hint">(by name; the list shows the first {orgsPerPage})</span>
          </span>
          <input type="search" value={filterText} onInput={(e) => setFilterText(e.currentTarget.value)} />
        </label>
      )}
      <label>
        Owner
        <select value={props.owner} onChange={(e) => props.onOwner(e.currentTarget.value)}>
          <option value="">Me</option>
          {!chosenIsListed && <option value={props.owner}>(the organization chosen before)</option>}
          {orgs.data?.items.map((org) => (
            <option key={org.id} value={org.id}>
              Organization: {org.name}
            </option>
          ))}
        </select>
      </label>
      {orgs.data && orgs.data.totalCount > orgs.data.items.length && (
        <p class="hint" role="status">
          Showing {orgs.data.items.length} of {orgs.data.totalCount} organizations{filter ? ' matching the filter' : ''}.
        </p>
      )}
      <ErrorAlert error={orgs.error} />
    </>
  );
}

export function CreateApplicationDialog(props: { token: string; onClose: (created: Application | null) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [owner, setOwner] = useState('');
  const { busy, error, refuse, run } = useSubmit();
  async function submit(event: Event) {
    event.preventDefault();
    if (name.trim() === '') return refuse(blankName);
    await run(async () => {
      const created = await clientFor(props.token).applications.post({
        application: { name: name.trim(), ...(description ? { description } : {}), ...(owner ? { orgId: owner } : {}) },
      });
      props.onClose(created);
    });
  }
  return (
    <Dialog title="Create an application" onClose={() => props.onClose(null)}>
      <form onSubmit={submit}>
        <NameFields
          name={name}
          description={description}
          onName={setName}
          onDescription={setDescription}
          descriptionRows={2}
          descriptionMaxLength={descriptionMaxLength}
        />
        <OwnerPicker token={props.token} owner={owner} onOwner={setOwner} />
        <ErrorAlert error={error} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy}>
            Create application
          </button>
          <button type="button" onClick={() => props.onClose(null)}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
