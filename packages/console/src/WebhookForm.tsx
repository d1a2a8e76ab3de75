// The create and edit dialog of a webhook: its URL, description and events (a
// labelled checkbox group with "All events"). What the console can judge (an
// absolute http(s) URL without credentials, at least one event) is said here, in
// words that say what to fix; what only the server can (a private or loopback
// address, the limit of webhooks) comes back as its 400, shown as it is.
import {
  inEventOrder,
  maxWebhookUrlLength,
  webhookEventTypes,
  type CreatedWebhook,
  type Webhook,
  type WebhookEventType,
} from '@latchkey/contract';
import { useEffect, useRef, useState } from 'preact/hooks';
import { clientFor } from './api.js';
import { Dialog, ErrorAlert, useSubmit } from './ui.js';

/** When each event is sent (the README's table, shortened). */
export const eventHints: Record<WebhookEventType, string> = {
  'token.created': 'a token is created',
  'token.updated': 'a token is changed',
  'token.rotated': 'a token is rotated',
  'token.deleted': 'a token is deleted',
  'token.revoked': 'a token is revoked by its holder',
  'token.leaked': 'a token is reported leaked',
  'token.expiring': '7 days and 1 day before a token expires',
  'token.credits_low': 'a token’s credits fall to 20%, 10% and 0%',
  'token.rate_limited': 'a rate limit refuses a token',
};

/** What to fix in a webhook URL, or null when the console finds nothing (the server checks the address). */
export function urlProblem(text: string): string | null {
  const example = 'e.g. https://hooks.example.com/latchkey';
  if (text === '') return `Enter the URL latchkey should POST events to, ${example}.`;
  if (text.length > maxWebhookUrlLength) return `The URL is ${text.length} characters long; shorten it to ${maxWebhookUrlLength} at most.`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `The URL must be absolute, starting with https://, ${example}.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `The URL must start with https:// (not ${url.protocol}//), ${example}.`;
  if (url.username !== '' || url.password !== '') {
    return 'Remove the user:password@ part of the URL: deliveries are authenticated by their signature, not by the URL.';
  }
  return null;
}

function EventsField(props: {
  selected: ReadonlySet<WebhookEventType>;
  onChange: (next: Set<WebhookEventType>) => void;
  invalid: boolean;
}) {
  const all = useRef<HTMLInputElement>(null);
  const count = props.selected.size;
  // "All events" is mixed while only some are picked (a state only script can set).
  useEffect(() => {
    if (all.current) all.current.indeterminate = count > 0 && count < webhookEventTypes.length;
  }, [count]);
  const toggle = (type: WebhookEventType, on: boolean) => {
    const next = new Set(props.selected);
    if (on) next.add(type);
    else next.delete(type);
    props.onChange(next);
  };
  return (
    <fieldset
      class="webhook-events"
      aria-describedby={props.invalid ? 'webhook-events-count webhook-events-problem' : 'webhook-events-count'}
    >
      <legend>Events</legend>
      <label class="check">
        <input
          ref={all}
          type="checkbox"
          checked={count === webhookEventTypes.length}
          onChange={(e) => props.onChange(new Set(e.currentTarget.checked ? webhookEventTypes : []))}
        />
        All events
      </label>
      <div class="webhook-event-list">
        {webhookEventTypes.map((type) => (
          <label class="check" key={type}>
            <input type="checkbox" checked={props.selected.has(type)} onChange={(e) => toggle(type, e.currentTarget.checked)} />
            <span>
              <code>{type}</code> <span class="hint">{eventHints[type]}</span>
            </span>
          </label>
        ))}
      </div>
      <p class="hint" id="webhook-events-count" role="status">
        {count === webhookEventTypes.length ? 'All events selected' : count === 1 ? '1 event selected' : `${count} events selected`}
      </p>
    </fieldset>
  );
}

/**
 * Creates a webhook (then `onClose` gets the 201, secret included) or edits one
 * (then it gets true once saved).
 */
export function WebhookDialog(
  props: { token: string; applicationId: string } & (
    { webhook?: undefined; onClose: (created: CreatedWebhook | null) => void } | { webhook: Webhook; onClose: (saved: boolean) => void }
  ),
) {
  const editing = props.webhook;
  const [url, setUrl] = useState(editing?.url ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [events, setEvents] = useState<Set<WebhookEventType>>(new Set(editing?.events ?? []));
  const [problems, setProblems] = useState<{ url?: string; events?: string }>({});
  const { busy, error, run } = useSubmit();
  const cancel = () => (props.webhook ? props.onClose(false) : props.onClose(null));

  async function submit(event: Event) {
    event.preventDefault();
    const trimmed = url.trim();
    const found = {
      url: urlProblem(trimmed) ?? undefined,
      events:
        events.size === 0 ? 'Pick at least one event (or All events): a webhook is sent only the events it subscribes to.' : undefined,
    };
    setProblems(found);
    if (found.url || found.events) return;
    const body = { url: trimmed, events: inEventOrder([...events]), description };
    await run(async () => {
      const client = clientFor(props.token);
      if (props.webhook) {
        await client.applicationTokenWebhook.patch({ applicationId: props.applicationId, webhookId: props.webhook.id, webhook: body });
        props.onClose(true);
      } else {
        props.onClose(await client.applicationTokenWebhooks.post({ applicationId: props.applicationId, webhook: body }));
      }
    });
  }

  return (
    <Dialog title={editing ? 'Edit webhook' : 'Create a webhook'} wide onClose={cancel}>
      <form onSubmit={submit} noValidate>
        <label>
          <span>
            URL{' '}
            <span class="hint" id="webhook-url-hint">
              (https://…; loopback and private addresses are refused unless the server runs with --allow-private-webhooks)
            </span>
          </span>
          <input
            type="url"
            required
            maxLength={maxWebhookUrlLength}
            value={url}
            placeholder="https://hooks.example.com/latchkey"
            spellcheck={false}
            autocomplete="off"
            aria-invalid={problems.url ? 'true' : undefined}
            aria-describedby={problems.url ? 'webhook-url-hint webhook-url-problem' : 'webhook-url-hint'}
            onInput={(e) => {
              setUrl(e.currentTarget.value);
              setProblems((p) => ({ ...p, url: undefined }));
            }}
          />
        </label>
        {problems.url && (
          <p class="field-problem" id="webhook-url-problem" role="alert">
            {problems.url}
          </p>
        )}
        {url.trim().startsWith('http://') && !problems.url && (
          <p class="hint">http:// sends events unencrypted; use https:// for anything but a local test receiver.</p>
        )}
        <label>
          <span>
            Description <span class="hint">(optional)</span>
          </span>
          <textarea rows={2} maxLength={1024} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </label>
        <EventsField
          selected={events}
          onChange={(next) => {
            setEvents(next);
            setProblems((p) => ({ ...p, events: undefined }));
          }}
          invalid={problems.events !== undefined}
        />
        {problems.events && (
          <p class="field-problem" id="webhook-events-problem" role="alert">
            {problems.events}
          </p>
        )}
        <ErrorAlert error={error} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy}>
            {editing ? 'Save' : 'Create webhook'}
          </button>
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
