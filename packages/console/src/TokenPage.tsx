// One API token, application's or the user's own: every field of the API Token
// object, its usage, its limits and credits, its meta, rotation (with the old
// secret's grace period), activate/deactivate, edit and delete.
import type { ApiToken } from '@latchkey/contract';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { formatDate, toShownError, type ShownError } from './api.js';
import { MetaEditor } from './MetaEditor.js';
import { RotateDialog } from './RotateDialog.js';
import { href, navigate, type TokenOwner } from './router.js';
import { TokenEditDialog } from './TokenEditDialog.js';
import { TokenLimits } from './TokenLimits.js';
import { ownerKey, tokenOwnerApi } from './token-owner.js';
import { summarizeScope } from './scopes.js';
import { statusOf } from './Tokens.js';
import { ConfirmDialog, ErrorAlert, useLoad } from './ui.js';
import { UsagePanel } from './UsagePanel.js';

function When({ iso, otherwise }: { iso: string | undefined; otherwise: string }) {
  return iso ? <time dateTime={iso}>{formatDate(iso)}</time> : <>{otherwise}</>;
}

function CodeList({ items }: { items: readonly string[] }) {
  return (
    <ul class="code-list">
      {items.map((item) => (
        <li key={item}>
          <code>{item}</code>
        </li>
      ))}
    </ul>
  );
}

const creatorTypes: Record<string, string> = { apiToken: 'API token', user: 'user', flow: 'flow' };

function Fields({ apiToken, now }: { apiToken: ApiToken; now: number }) {
  const status = statusOf(apiToken, now);
  return (
    <dl class="token-fields">
      <dt>ID</dt>
      <dd>
        <code>{apiToken.id}</code>
      </dd>
      <dt>Name</dt>
      <dd>{apiToken.name}</dd>
      <dt>Description</dt>
      <dd>{apiToken.description || 'None'}</dd>
      <dt>Status</dt>
      <dd>
        <span class={`status ${status}`}>{status}</span>
      </dd>
      <dt>Scope</dt>
      <dd>
        {summarizeScope(apiToken.scope)}:
        <CodeList items={apiToken.scope} />
      </dd>
      <dt>Owner</dt>
      <dd>
        {apiToken.ownerType === 'application' ? 'Application' : 'User'} <code>{apiToken.ownerId}</code>
      </dd>
      <dt>Creator</dt>
      <dd>
        {apiToken.creatorName ?? 'Unknown'}
        {apiToken.creatorType && ` (${creatorTypes[apiToken.creatorType] ?? apiToken.creatorType})`}
        {apiToken.creatorId && <CodeList items={[apiToken.creatorId]} />}
      </dd>
      <dt>Created</dt>
      <dd>
        <When iso={apiToken.creationDate} otherwise="" />
      </dd>
      <dt>Last updated</dt>
      <dd>
        <When iso={apiToken.lastUpdated} otherwise="" />
      </dd>
      <dt>Expires</dt>
      <dd>
        <When iso={apiToken.expirationDate} otherwise="Never" />
      </dd>
      <dt>Last used</dt>
      <dd>
        <When iso={apiToken.lastUsed} otherwise="Never" />
      </dd>
      <dt>Allowed networks</dt>
      <dd>{apiToken.allowedCidrs && apiToken.allowedCidrs.length > 0 ? <CodeList items={apiToken.allowedCidrs} /> : 'Anywhere'}</dd>
      <dt>Last rotated</dt>
      <dd>
        <When iso={apiToken.rotatedAt} otherwise="Never" />
      </dd>
      {apiToken.revokedAt && (
        <>
          <dt>Revoked</dt>
          <dd>
            <When iso={apiToken.revokedAt} otherwise="" /> <span class="hint">(by its holder, through POST /revoke)</span>
          </dd>
        </>
      )}
    </dl>
  );
}

/** The old secret's grace period after a rotation, while it lasts. */
function GracePeriod({ apiToken, now }: { apiToken: ApiToken; now: number }) {
  const until = apiToken.previousSecretExpiresAt;
  if (!until || Date.parse(until) <= now) return <p>Only the current secret authenticates.</p>;
  return (
    <p class="warning">
      The old secret still authenticates until <When iso={until} otherwise="" />.{' '}
      {apiToken.previousSecretLastUsed ? (
        <>
          Old secret last used <When iso={apiToken.previousSecretLastUsed} otherwise="" />.
        </>
      ) : (
        'The old secret has not been used since the rotation.'
      )}
    </p>
  );
}

type Modal = 'edit' | 'rotate' | 'delete';

export function TokenPage(props: { token: string; owner: TokenOwner; apiTokenId: string }) {
  const { apiTokenId } = props;
  const key = ownerKey(props.owner);
  const tokens = useMemo(() => tokenOwnerApi(props.token, props.owner), [props.token, key]);
  const loaded = useLoad(() => tokens.get(apiTokenId), [tokens, apiTokenId]);
  // Saves answer the token as it now is: shown at once, without reading it again.
  const [current, setCurrent] = useState<ApiToken | null>(null);
  const [listName, setListName] = useState('');
  const [modal, setModal] = useState<Modal | null>(null);
  const [notice, setNotice] = useState('');
  const [actionError, setActionError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => setCurrent(loaded.data), [loaded.data]);
  useEffect(() => {
    let live = true;
    void tokens.listName().then((name) => live && setListName(name));
    return () => {
      live = false;
    };
  }, [tokens]);

  const apiToken = current;
  const listHref = href(tokens.listRoute);
  const now = Date.now();

  async function setStatus(status: 'active' | 'inactive') {
    if (!apiToken) return;
    setBusy(true);
    setActionError(null);
    setNotice('');
    try {
      setCurrent(await tokens.patch(apiToken.id, { status }));
      setNotice(`“${apiToken.name}” is now ${status}.`);
    } catch (e) {
      setActionError(toShownError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="token-page">
      <p class="breadcrumb">
        <a href={listHref}>{listName || 'Tokens'}</a> / {apiToken?.name ?? apiTokenId}
      </p>
      <ErrorAlert error={loaded.error} />
      {!apiToken && loaded.loading && <p>Loading…</p>}
      {apiToken && (
        <>
          <div class="title-row">
            <h1>Token “{apiToken.name}”</h1>
            <div class="buttons">
              <button type="button" onClick={() => setModal('edit')}>
                Edit name and description
              </button>
              {apiToken.status === 'active' ? (
                <button type="button" disabled={busy} onClick={() => setStatus('inactive')}>
                  Deactivate
                </button>
              ) : (
                <button type="button" disabled={busy} onClick={() => setStatus('active')}>
                  Activate
                </button>
              )}
              <button type="button" class="danger" onClick={() => setModal('delete')}>
                Delete
              </button>
            </div>
          </div>
          <ErrorAlert error={actionError} />
          <p class="notice" role="status">
            {notice}
          </p>
          <Fields apiToken={apiToken} now={now} />
          <UsagePanel label="Usage" load={(query) => tokens.usage(apiTokenId, query)} />

          <section aria-labelledby="token-limits">
            <h2 id="token-limits">Limits and credits</h2>
            <TokenLimits tokens={tokens} apiToken={apiToken} onSaved={setCurrent} />
          </section>

          <section aria-labelledby="token-meta">
            <h2 id="token-meta">Meta</h2>
            <MetaEditor tokens={tokens} apiToken={apiToken} onSaved={setCurrent} />
          </section>

          <section aria-labelledby="token-secret">
            <h2 id="token-secret">Secret</h2>
            <GracePeriod apiToken={apiToken} now={now} />
            <button type="button" onClick={() => setModal('rotate')}>
              Rotate secret
            </button>
          </section>
        </>
      )}

      {apiToken && modal === 'edit' && (
        <TokenEditDialog
          tokens={tokens}
          apiToken={apiToken}
          onClose={(saved) => {
            setModal(null);
            if (saved) {
              setNotice(`“${apiToken.name}” saved.`);
              loaded.reload();
            }
          }}
        />
      )}
      {apiToken && modal === 'rotate' && (
        <RotateDialog
          tokens={tokens}
          apiToken={apiToken}
          onRotated={(rotated) => {
            setCurrent(rotated);
            setNotice(`“${apiToken.name}” has a new secret.`);
          }}
          onClose={() => setModal(null)}
        />
      )}
      {apiToken && modal === 'delete' && (
        <ConfirmDialog
          title={`Delete “${apiToken.name}”?`}
          confirmLabel="Delete token"
          onConfirm={async () => {
            await tokens.delete(apiToken.id);
          }}
          onClose={(deleted) => {
            setModal(null);
            if (deleted) navigate(tokens.listRoute);
          }}
        >
          <p>Anything still using this token is refused from the next request. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </main>
  );
}
