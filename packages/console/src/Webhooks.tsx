// An application's webhooks on its token events: the list (paged by the API) with
// create, edit, enable/disable, secret rotation and delete, and one webhook's
// deliveries below it. A signing secret is shown once, right after the create or
// rotation that answered it.
import { webhookEventTypes, type CreatedWebhook, type Webhook } from '@latchkey/contract';
import { useEffect, useRef, useState } from 'preact/hooks';
import { clientFor, formatDate } from './api.js';
import { OneTimeSecret } from './OneTimeSecret.js';
import { ConfirmDialog, ErrorAlert, Pager, useLoad, useSubmit } from './ui.js';
import { WebhookDeliveries } from './WebhookDeliveries.js';
import { WebhookDialog } from './WebhookForm.js';

const perPage = 10;

type Modal =
  | { kind: 'create' }
  | { kind: 'edit'; webhook: Webhook }
  | { kind: 'delete'; webhook: Webhook }
  | { kind: 'rotate'; webhook: Webhook }
  | { kind: 'secret'; title: string; created: CreatedWebhook };

function Events({ events }: { events: readonly string[] }) {
  if (events.length === webhookEventTypes.length) return <>All events</>;
  return (
    <ul class="event-list">
      {events.map((type) => (
        <li key={type}>
          <code>{type}</code>
        </li>
      ))}
    </ul>
  );
}

export function Webhooks({ token, applicationId }: { token: string; applicationId: string }) {
  const [page, setPage] = useState(0);
  const list = useLoad(() => clientFor(token).applicationTokenWebhooks.get({ applicationId, page, perPage }), [token, applicationId, page]);
  const [modal, setModal] = useState<Modal | null>(null);
  const [notice, setNotice] = useState('');
  const { busyKey: busyId, error, run } = useSubmit();
  /** The webhook whose deliveries are shown (as last listed: it stays shown on another page of the list). */
  const [shownWebhook, setShownWebhook] = useState<Webhook | null>(null);
  const shownId = shownWebhook?.id ?? null;

  // A dialog closing (also by Escape) closes only itself, never one opened after it.
  const close = (closing: Modal) => setModal((current) => (current === closing ? null : current));
  const shown = list.data?.items.find((webhook) => webhook.id === shownId) ?? shownWebhook;

  // The last webhook of a later page deleted: show the page before it.
  useEffect(() => {
    if (list.data && list.data.items.length === 0 && list.data.page > 0) setPage(list.data.page - 1);
  }, [list.data]);

  async function setEnabled(webhook: Webhook, enabled: boolean) {
    setNotice('');
    await run(async () => {
      await clientFor(token).applicationTokenWebhook.patch({ applicationId, webhookId: webhook.id, webhook: { enabled } });
      setNotice(
        enabled
          ? `The webhook to ${webhook.url} is enabled.`
          : `The webhook to ${webhook.url} is disabled: it is sent nothing until enabled.`,
      );
      list.reload();
    }, webhook.id);
  }

  const data = list.data;
  return (
    <section class="webhooks" aria-labelledby="webhooks-title">
      <div class="title-row">
        <h2 id="webhooks-title">Webhooks</h2>
        <button
          type="button"
          class="primary"
          onClick={() => {
            setNotice('');
            setModal({ kind: 'create' });
          }}
        >
          Create webhook
        </button>
      </div>
      <p class="hint">
        Each webhook is POSTed the token events it subscribes to, signed as Standard Webhooks with its own secret (verify them with the{' '}
        <code>standardwebhooks</code> package).
      </p>
      <ErrorAlert error={list.error ?? error} />
      <p class="notice" role="status">
        {notice}
      </p>
      {data && (
        <>
          <div class="table-wrap">
            <table class="cards webhooks-table" aria-busy={list.loading ? 'true' : 'false'}>
              <caption class="visually-hidden">Webhooks of the application</caption>
              <thead>
                <tr>
                  <th scope="col">URL</th>
                  <th scope="col">Events</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {data.items.length === 0 && (
                  <tr>
                    <td colSpan={5}>No webhooks yet.</td>
                  </tr>
                )}
                {data.items.map((webhook) => {
                  const status = webhook.enabled ? 'enabled' : 'disabled';
                  return (
                    <tr key={webhook.id}>
                      <th scope="row" data-label="URL">
                        <span class="url">{webhook.url}</span>
                        {webhook.description && <div class="hint">{webhook.description}</div>}
                      </th>
                      <td data-label="Events">
                        <Events events={webhook.events} />
                      </td>
                      <td data-label="Status">
                        <span class={`status ${status}`}>{status}</span>
                      </td>
                      <td data-label="Created">
                        <time dateTime={webhook.creationDate}>{formatDate(webhook.creationDate)}</time>
                      </td>
                      <td data-label="Actions" class="actions">
                        <button
                          type="button"
                          aria-pressed={shownId === webhook.id ? 'true' : 'false'}
                          aria-label={`Deliveries of ${webhook.url}`}
                          onClick={() => setShownWebhook(shownId === webhook.id ? null : webhook)}
                        >
                          Deliveries
                        </button>
                        <button type="button" aria-label={`Edit ${webhook.url}`} onClick={() => setModal({ kind: 'edit', webhook })}>
                          Edit
                        </button>
                        <button
                          type="button"
                          disabled={busyId === webhook.id}
                          aria-label={`${webhook.enabled ? 'Disable' : 'Enable'} ${webhook.url}`}
                          onClick={() => setEnabled(webhook, !webhook.enabled)}
                        >
                          {webhook.enabled ? 'Disable' : 'Enable'}
                        </button>
                        <button
                          type="button"
                          aria-label={`Rotate the signing secret of ${webhook.url}`}
                          onClick={() => setModal({ kind: 'rotate', webhook })}
                        >
                          Rotate secret
                        </button>
                        <button
                          type="button"
                          class="danger"
                          aria-label={`Delete ${webhook.url}`}
                          onClick={() => setModal({ kind: 'delete', webhook })}
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
          <Pager label="Webhook pages" page={data.page} perPage={data.perPage} totalCount={data.totalCount} onPage={setPage} />
        </>
      )}

      {shown && (
        <WebhookDeliveries
          key={shown.id}
          token={token}
          applicationId={applicationId}
          webhook={shown}
          onClose={() => setShownWebhook(null)}
        />
      )}

      {modal?.kind === 'create' && (
        <WebhookDialog
          token={token}
          applicationId={applicationId}
          onClose={(created) => {
            if (!created) return close(modal);
            setModal({ kind: 'secret', title: 'Webhook created', created });
            list.reload();
          }}
        />
      )}
      {modal?.kind === 'edit' && (
        <WebhookDialog
          token={token}
          applicationId={applicationId}
          webhook={modal.webhook}
          onClose={(saved) => {
            close(modal);
            if (saved) {
              setNotice('The webhook is saved.');
              list.reload();
            }
          }}
        />
      )}
      {modal?.kind === 'rotate' && (
        <RotateSecretDialog
          token={token}
          applicationId={applicationId}
          webhook={modal.webhook}
          onClose={(created) => {
            if (created) setModal({ kind: 'secret', title: 'Signing secret rotated', created });
            else close(modal);
          }}
        />
      )}
      {modal?.kind === 'delete' && (
        <ConfirmDialog
          title="Delete this webhook?"
          confirmLabel="Delete webhook"
          onConfirm={async () => {
            await clientFor(token).applicationTokenWebhook.delete({ applicationId, webhookId: modal.webhook.id });
          }}
          onClose={(deleted) => {
            close(modal);
            if (deleted) {
              setNotice(`The webhook to ${modal.webhook.url} is deleted.`);
              if (shownId === modal.webhook.id) setShownWebhook(null);
              list.reload();
            }
          }}
        >
          <p>
            <span class="url">{modal.webhook.url}</span> is sent nothing more, and its deliveries are deleted with it. This cannot be
            undone.
          </p>
        </ConfirmDialog>
      )}
      {modal?.kind === 'secret' && (
        <OneTimeSecret
          title={modal.title}
          label={`Signing secret of ${modal.created.url}`}
          noun="signing secret"
          secret={modal.created.secret}
          onDone={() => close(modal)}
        >
          latchkey signs every delivery with it from now on; your receiver needs it to verify the <code>webhook-signature</code> header.
        </OneTimeSecret>
      )}
    </section>
  );
}

/** Asks, then rotates: the new secret goes to `onClose` to be shown once. */
function RotateSecretDialog(props: {
  token: string;
  applicationId: string;
  webhook: Webhook;
  onClose: (created: CreatedWebhook | null) => void;
}) {
  const rotated = useRef<CreatedWebhook | null>(null);
  return (
    <ConfirmDialog
      title="Rotate the signing secret?"
      confirmLabel="Rotate secret"
      onConfirm={async () => {
        rotated.current = await clientFor(props.token).applicationTokenWebhook.rotateSecret({
          applicationId: props.applicationId,
          webhookId: props.webhook.id,
        });
      }}
      onClose={(done) => props.onClose(done ? rotated.current : null)}
    >
      <p>
        Every attempt to <span class="url">{props.webhook.url}</span> from now on is signed with a new secret, shown once; the current one
        stops verifying at once, so update your receiver right after.
      </p>
    </ConfirmDialog>
  );
}
