// One application: its name and owner above tabs for its tokens, usage, webhooks,
// audit log and settings. A token without application.get still reaches the tabs
// its scopes allow; the header then names the application by its id.
import type { Application } from '@latchkey/contract';
import { clientFor } from './api.js';
import { ApplicationSettings } from './ApplicationSettings.js';
import { ApplicationUsage } from './ApplicationUsage.js';
import { AuditLog } from './AuditLog.js';
import { href, type ApplicationTab } from './router.js';
import { Tokens } from './Tokens.js';
import { Tabs, useLoad } from './ui.js';
import { Webhooks } from './Webhooks.js';

const tabLabels: Record<ApplicationTab, string> = {
  tokens: 'Tokens',
  usage: 'Usage',
  webhooks: 'Webhooks',
  audit: 'Audit log',
  settings: 'Settings',
};

function ownerOf(application: Application): string {
  return application.ownerType === 'organization' ? `Organization: ${application.organizationName ?? application.ownerId}` : 'Owned by you';
}

export function ApplicationPage(props: { token: string; applicationId: string; tab: ApplicationTab }) {
  const { token, applicationId, tab } = props;
  const application = useLoad(() => clientFor(token).application.get({ applicationId }), [token, applicationId]);
  const name = application.data?.name ?? `application ${applicationId}`;
  return (
    <main>
      <p class="breadcrumb">
        <a href={href({ page: 'applications' })}>Applications</a> / {name}
      </p>
      <header class="page-head">
        <h1>{application.data ? application.data.name : name}</h1>
        {application.data && <p class="hint">{ownerOf(application.data)}</p>}
      </header>
      <Tabs
        label="Application sections"
        current={tab}
        tabs={(Object.keys(tabLabels) as ApplicationTab[]).map((id) => ({
          id,
          label: tabLabels[id],
          href: href({ page: 'application', applicationId, tab: id }),
        }))}
      />
      {tab === 'tokens' && <Tokens token={token} owner={{ kind: 'application', applicationId }} applicationName={application.data?.name} />}
      {tab === 'usage' && <ApplicationUsage token={token} applicationId={applicationId} />}
      {tab === 'webhooks' && <Webhooks token={token} applicationId={applicationId} />}
      {tab === 'audit' && <AuditLog token={token} subject={{ kind: 'application', applicationId }} />}
      {tab === 'settings' && application.data && (
        <ApplicationSettings token={token} application={application.data} onSaved={application.reload} />
      )}
    </main>
  );
}
