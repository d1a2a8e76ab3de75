// One organization: its name above tabs for its members, token policy, audit log and
// settings. The organization object (GET /orgs/:orgId) embeds its members and policy,
// so one load serves every tab; a change reloads it.
import type { Org } from '@latchkey/contract';
import { clientFor } from './api.js';
import { AuditLog } from './AuditLog.js';
import { DeleteSection, DetailsForm } from './DetailsForm.js';
import { OrganizationMembers } from './OrganizationMembers.js';
import { OrganizationPolicy } from './OrganizationPolicy.js';
import { myRole, roleLabels, useMyUserId } from './organization-roles.js';
import { href, navigate, organizationTabs, type OrganizationTab } from './router.js';
import { ErrorAlert, Tabs, useLoad } from './ui.js';

const tabLabels: Record<OrganizationTab, string> = {
  members: 'Members',
  policy: 'Token policy',
  audit: 'Audit log',
  settings: 'Settings',
};

/** The API's limit on an organization's description (orgPatchSchema). */
const descriptionMaxLength = 32767;

function OrganizationSettings({ token, org, onSaved }: { token: string; org: Org; onSaved: () => void }) {
  const orgId = org.id;
  return (
    <>
      <DetailsForm
        what="organization"
        name={org.name}
        description={org.description ?? ''}
        descriptionMaxLength={descriptionMaxLength}
        onSave={async (fields) => {
          await clientFor(token).org.patch({ orgId, organization: fields });
          onSaved();
        }}
      />
      <DeleteSection
        what="organization"
        name={org.name}
        consequence="An organization that still owns applications cannot be deleted: delete or move them first. Its members lose nothing of their own."
        onDelete={async () => {
          await clientFor(token).org.delete({ orgId });
        }}
        onDeleted={() => navigate({ page: 'organizations' })}
      />
    </>
  );
}

export function OrganizationPage({ token, orgId, tab }: { token: string; orgId: string; tab: OrganizationTab }) {
  const org = useLoad(() => clientFor(token).org.get({ orgId }), [token, orgId]);
  const userId = useMyUserId(token);
  const name = org.data?.name ?? `organization ${orgId}`;
  const role = org.data ? myRole(org.data, userId) : null;
  return (
    <main>
      <p class="breadcrumb">
        <a href={href({ page: 'organizations' })}>Organizations</a> / {name}
      </p>
      <header class="page-head">
        <h1>{name}</h1>
        {role && <p class="hint">Your role: {roleLabels[role]}</p>}
      </header>
      <Tabs
        label="Organization sections"
        current={tab}
        tabs={organizationTabs.map((id) => ({ id, label: tabLabels[id], href: href({ page: 'organization', orgId, tab: id }) }))}
      />
      <ErrorAlert error={org.error} />
      {tab === 'members' && org.data && <OrganizationMembers token={token} org={org.data} myUserId={userId} onChanged={org.reload} />}
      {tab === 'policy' && org.data && <OrganizationPolicy token={token} org={org.data} onSaved={org.reload} />}
      {tab === 'audit' && <AuditLog token={token} subject={{ kind: 'organization', orgId }} />}
      {tab === 'settings' && org.data && <OrganizationSettings token={token} org={org.data} onSaved={org.reload} />}
    </main>
  );
}
