// Rotation: a new secret for a token, shown once; the old one may keep verifying
// for a grace period (up to the contract's maxGracePeriodSeconds) so whatever uses
// it can be moved over without an outage.
import { maxGracePeriodSeconds, type ApiToken } from '@latchkey/contract';
import { useState } from 'preact/hooks';
import { keptAsHash } from './CreateToken.js';
import { OneTimeSecret } from './OneTimeSecret.js';
import type { TokenOwnerApi } from './token-owner.js';
import { Dialog, ErrorAlert, useSubmit } from './ui.js';

const graceChoices: ReadonlyArray<{ label: string; seconds: number }> = [
  { label: 'None: the old secret stops at once', seconds: 0 },
  { label: '1 hour', seconds: 3_600 },
  { label: '1 day', seconds: 86_400 },
  { label: '7 days', seconds: 604_800 },
  { label: `${maxGracePeriodSeconds / 86_400} days (the longest)`, seconds: maxGracePeriodSeconds },
];

/** The grace period typed in seconds, or a message saying what to fix. */
function parseSeconds(text: string): number | string {
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isInteger(seconds) || seconds < 0 || seconds > maxGracePeriodSeconds) {
    return `Enter the grace period as whole seconds from 0 to ${maxGracePeriodSeconds} (30 days).`;
  }
  return seconds;
}

export function RotateDialog(props: {
  tokens: TokenOwnerApi;
  apiToken: ApiToken;
  onRotated: (rotated: ApiToken) => void;
  onClose: () => void;
}) {
  const [choice, setChoice] = useState('0');
  const [customSeconds, setCustomSeconds] = useState('');
  const { busy, error, refuse, run } = useSubmit();
  const [secret, setSecret] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    const gracePeriod = choice === 'custom' ? parseSeconds(customSeconds) : Number(choice);
    if (typeof gracePeriod === 'string') return refuse(gracePeriod);
    await run(async () => {
      const { token, ...rotated } = await props.tokens.rotate(props.apiToken.id, gracePeriod);
      setSecret(token);
      props.onRotated(rotated);
    });
  }

  if (secret !== null) {
    return (
      <OneTimeSecret
        title="Token rotated"
        label={`New secret of “${props.apiToken.name}”`}
        noun="token"
        secret={secret}
        onDone={props.onClose}
      >
        {keptAsHash}
      </OneTimeSecret>
    );
  }
  return (
    <Dialog title={`Rotate “${props.apiToken.name}”`} onClose={props.onClose}>
      <form onSubmit={submit}>
        <p>
          The token gets a new secret; its id, name, scopes, limits, credits, meta and usage stay. Until the grace period ends, the old
          secret still authenticates (reported as deprecated).
        </p>
        <label>
          Grace period
          <select value={choice} onChange={(e) => setChoice(e.currentTarget.value)}>
            {graceChoices.map((c) => (
              <option key={c.seconds} value={String(c.seconds)}>
                {c.label}
              </option>
            ))}
            <option value="custom">Other (in seconds)</option>
          </select>
        </label>
        {choice === 'custom' && (
          <label>
            <span>
              Grace period in seconds <span class="hint">(0 to {maxGracePeriodSeconds})</span>
            </span>
            <input
              type="number"
              min={0}
              max={maxGracePeriodSeconds}
              step={1}
              required
              value={customSeconds}
              onInput={(e) => setCustomSeconds(e.currentTarget.value)}
            />
          </label>
        )}
        <ErrorAlert error={error} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy}>
            Rotate secret
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
