// One webhook's deliveries, newest first and paged by the API: the event, where it
// stands (delivered, retrying after a failed attempt, failed, pending) with the
// receiver's last HTTP status or error, the last attempt's latency, the attempts
// (each listed), and when; and "Redeliver", whose outcome is followed until the
// worker has made the new attempt.
import type { Webhook, WebhookDelivery } from '@latchkey/contract';
import { useEffect, useRef, useState } from 'preact/hooks';
import { clientFor, formatDate } from './api.js';
import { ErrorAlert, Pager, useLoad, useSubmit } from './ui.js';

const perPage = 10;
/** How long (in one-second looks) a redelivery's outcome is waited for before asking for a manual refresh. */
const followLooks = 20;

type Standing = 'delivered' | 'retrying' | 'failed' | 'pending';

function standingOf(delivery: WebhookDelivery): Standing {
  if (delivery.status === 'pending' && delivery.attemptCount > 0) return 'retrying';
  return delivery.status;
}

function lastAttempt(delivery: WebhookDelivery) {
  return delivery.attempts[delivery.attempts.length - 1];
}

/** The receiver's answer to an attempt: "HTTP 204", or why none came. */
function answerOf(attempt: WebhookDelivery['attempts'][number]): string {
  if (attempt.statusCode !== undefined) return `HTTP ${attempt.statusCode}`;
  return attempt.error ?? 'no answer';
}

/** A sentence for the status line after a redelivery's attempt. */
function outcomeOf(delivery: WebhookDelivery): string {
  const attempt = lastAttempt(delivery);
  const answer = attempt ? `${answerOf(attempt)}, ${attempt.latencyMs} ms` : '';
  switch (standingOf(delivery)) {
    case 'delivered':
      return `Redelivered ${delivery.eventType}: delivered (${answer}).`;
    case 'retrying':
      return `Redelivery of ${delivery.eventType} failed (${answer}); it is retried${delivery.nextAttemptDate ? ` at ${formatDate(delivery.nextAttemptDate)}` : ''}.`;
    case 'failed':
      return `Redelivery of ${delivery.eventType} failed (${answer}).`;
    case 'pending':
      return `Redelivery of ${delivery.eventType} is queued.`;
  }
}

function DeliveryRow(props: { delivery: WebhookDelivery; busy: boolean; onRedeliver: () => void }) {
  const { delivery } = props;
  const standing = standingOf(delivery);
  const attempt = lastAttempt(delivery);
  const when = formatDate(delivery.creationDate);
  return (
    <tr>
      <th scope="row" data-label="Event">
        <code>{delivery.eventType}</code>
        {delivery.apiTokenId && <div class="hint">token {delivery.apiTokenId}</div>}
      </th>
      <td data-label="Status">
        <span class={`status ${standing}`}>{standing}</span>
        {attempt && <div>{answerOf(attempt)}</div>}
        {standing === 'retrying' && delivery.nextAttemptDate && (
          <div class="hint">
            next attempt <time dateTime={delivery.nextAttemptDate}>{formatDate(delivery.nextAttemptDate)}</time>
          </div>
        )}
      </td>
      <td data-label="Latency">{attempt ? `${attempt.latencyMs} ms` : 'not sent yet'}</td>
      <td data-label="Attempts">
        {delivery.attempts.length === 0 ? (
          '0'
        ) : (
          <details class="attempts">
            <summary>{delivery.attempts.length === 1 ? '1 attempt' : `${delivery.attempts.length} attempts`}</summary>
            <ol>
              {delivery.attempts.map((a) => (
                <li key={a.date}>
                  <time dateTime={a.date}>{formatDate(a.date)}</time>: {answerOf(a)}, {a.latencyMs} ms
                </li>
              ))}
            </ol>
          </details>
        )}
      </td>
      <td data-label="Time">
        <time dateTime={delivery.creationDate}>{when}</time>
        {delivery.deliveredDate && (
          <div class="hint">
            delivered <time dateTime={delivery.deliveredDate}>{formatDate(delivery.deliveredDate)}</time>
          </div>
        )}
      </td>
      <td data-label="Actions" class="actions">
        <button type="button" disabled={props.busy} aria-label={`Redeliver ${delivery.eventType} of ${when}`} onClick={props.onRedeliver}>
          Redeliver
        </button>
      </td>
    </tr>
  );
}

export function WebhookDeliveries(props: { token: string; applicationId: string; webhook: Webhook; onClose: () => void }) {
  const { token, applicationId, webhook } = props;
  const [page, setPage] = useState(0);
  const list = useLoad(
    () => clientFor(token).applicationTokenWebhook.deliveries({ applicationId, webhookId: webhook.id, page, perPage }),
    [token, applicationId, webhook.id, page],
  );
  const [notice, setNotice] = useState('');
  const { busyKey: busyId, error, run } = useSubmit();
  /** A redelivered delivery whose new attempt is awaited: its attempts before it, and the looks left. */
  const [following, setFollowing] = useState<{ id: string; attemptsBefore: number; looks: number } | null>(null);

  // While following, look again each second until the new attempt is recorded (the worker sends it at once).
  useEffect(() => {
    if (!following || list.loading) return;
    const found = list.data?.items.find((d) => d.id === following.id);
    if (found && found.attempts.length > following.attemptsBefore) {
      setNotice(outcomeOf(found));
      setFollowing(null);
      return;
    }
    if (!found || following.looks === 0) {
      setNotice('The redelivery is queued; refresh the deliveries to see its outcome.');
      setFollowing(null);
      return;
    }
    const timer = setTimeout(() => {
      setFollowing({ ...following, looks: following.looks - 1 });
      list.reload();
    }, 1000);
    return () => clearTimeout(timer);
  }, [following, list.data, list.loading]);

  async function redeliver(delivery: WebhookDelivery) {
    setNotice('');
    await run(async () => {
      const queued = await clientFor(token).applicationTokenWebhook.redeliver({
        applicationId,
        webhookId: webhook.id,
        deliveryId: delivery.id,
      });
      setNotice(outcomeOf(queued));
      setFollowing({ id: queued.id, attemptsBefore: queued.attempts.length, looks: followLooks });
      list.reload();
    }, delivery.id);
  }

  // Opened from the list's Deliveries button: move there, so keyboard and screen reader users land on what opened.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const data = list.data;
  return (
    <section class="deliveries" aria-labelledby="deliveries-title">
      <div class="title-row">
        <h3 id="deliveries-title" ref={heading} tabIndex={-1}>
          Deliveries to <span class="url">{webhook.url}</span>
        </h3>
        <div class="buttons">
          <button type="button" disabled={list.loading} onClick={list.reload}>
            Refresh deliveries
          </button>
          <button type="button" onClick={props.onClose}>
            Close deliveries
          </button>
        </div>
      </div>
      <ErrorAlert error={list.error ?? error} />
      <p class="notice" role="status">
        {notice}
      </p>
      {data && (
        <>
          <p class="hint" aria-live="polite">
            {data.totalCount === 1 ? '1 delivery' : `${data.totalCount} deliveries`}, newest first{list.loading ? ' (loading…)' : ''}
          </p>
          <div class="table-wrap">
            <table class="cards deliveries-table" aria-busy={list.loading ? 'true' : 'false'}>
              <caption class="visually-hidden">Deliveries of the webhook, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Status</th>
                  <th scope="col">Latency</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Time</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {data.items.length === 0 && (
                  <tr>
                    <td colSpan={6}>No deliveries yet: they appear when a subscribed event happens to one of the application’s tokens.</td>
                  </tr>
                )}
                {data.items.map((delivery) => (
                  <DeliveryRow
                    key={delivery.id}
                    delivery={delivery}
                    busy={busyId === delivery.id || following?.id === delivery.id}
                    onRedeliver={() => redeliver(delivery)}
                  />
                ))}
              </tbody>
            </table>
          </div>
          <Pager label="Delivery pages" page={data.page} perPage={data.perPage} totalCount={data.totalCount} onPage={setPage} />
        </>
      )}
    </section>
  );
}
