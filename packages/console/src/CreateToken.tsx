// Create dialog: name, description, expiration, permissions (a preset or a custom
// pick from the scope catalogue), initial status; then the token, shown once. The
// same dialog for an application's tokens and the user's own: the presets are the
// owner's (token-owner.ts), the catalogue's scopes fit both.
import type { ApplicationScope, Scope } from '@latchkey/contract';
import { useMemo, useState } from 'preact/hooks';
import { searchCatalogue, type PresetId } from './scopes.js';
import type { TokenOwnerApi } from './token-owner.js';
import { OneTimeSecret } from './OneTimeSecret.js';
import { Dialog, ErrorAlert, NameFields, useSubmit } from './ui.js';

/** Why a token's secret is shown once (creation and rotation say it alike). */
export const keptAsHash = 'latchkey keeps only a hash of it; a lost token cannot be recovered, only replaced.';

type Permission = PresetId | 'custom';

export function ScopePicker(props: { selected: ReadonlySet<ApplicationScope>; onChange: (next: Set<ApplicationScope>) => void }) {
  const [term, setTerm] = useState('');
  const groups = useMemo(() => searchCatalogue(term), [term]);
  const toggle = (scope: ApplicationScope, on: boolean) => {
    const next = new Set(props.selected);
    if (on) next.add(scope);
    else next.delete(scope);
    props.onChange(next);
  };
  return (
    <div class="scope-picker">
      <label>
        Search scopes
        <input type="search" value={term} placeholder="e.g. device, get, webhooks" onInput={(e) => setTerm(e.currentTarget.value)} />
      </label>
      <p class="hint" role="status">
        {props.selected.size === 1 ? '1 scope selected' : `${props.selected.size} scopes selected`}
        {props.selected.size > 0 ? `: ${[...props.selected].sort().join(', ')}` : ''}
      </p>
      <div class="scope-groups">
        {groups.length === 0 && <p>No scope matches “{term}”.</p>}
        {groups.map((group) => (
          <fieldset key={group.resource} class="scope-group">
            <legend>{group.resource}</legend>
            {group.wildcard && (
              <label class="check">
                <input
                  type="checkbox"
                  checked={props.selected.has(group.wildcard)}
                  onChange={(e) => toggle(group.wildcard!, e.currentTarget.checked)}
                />
                <code>{group.wildcard}</code> <span class="mark">every {group.resource} action</span>
              </label>
            )}
            {group.actions.map((action) => (
              <label key={action.scope} class="check">
                <input
                  type="checkbox"
                  checked={props.selected.has(action.scope)}
                  onChange={(e) => toggle(action.scope, e.currentTarget.checked)}
                />
                <code>{action.scope}</code> <span class={`mark ${action.read ? 'read' : 'write'}`}>{action.read ? 'read' : 'write'}</span>
              </label>
            ))}
          </fieldset>
        ))}
      </div>
    </div>
  );
}

export function CreateTokenDialog(props: { tokens: TokenOwnerApi; onClose: (created: boolean) => void }) {
  const { presets } = props.tokens;
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [expires, setExpires] = useState<'never' | 'date'>('never');
  const [expiresAt, setExpiresAt] = useState('');
  const [permission, setPermission] = useState<Permission>('all');
  const [custom, setCustom] = useState<Set<ApplicationScope>>(new Set());
  const [status, setStatus] = useState<'active' | 'inactive'>('active');
  const { busy, error, refuse, run } = useSubmit();
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    let scope: Scope[];
    if (permission === 'custom') {
      scope = [...custom].sort();
      if (scope.length === 0) return refuse('Pick at least one scope, or choose another permission.');
    } else {
      scope = [presets.find((p) => p.id === permission)!.scope];
    }
    let expirationDate: string | undefined;
    if (expires === 'date') {
      const date = new Date(expiresAt);
      if (!expiresAt || Number.isNaN(date.getTime())) return refuse('Enter the expiration date and time.');
      expirationDate = date.toISOString();
    }
    await run(async () =>
      setCreated(
        await props.tokens.create({
          name: name.trim(),
          ...(description ? { description } : {}),
          scope,
          status,
          ...(expirationDate ? { expirationDate } : {}),
        }),
      ),
    );
  }

  if (created) {
    return (
      <OneTimeSecret
        title="Token created"
        label={`New token “${created.name}”`}
        noun="token"
        secret={created.token}
        onDone={() => props.onClose(true)}
      >
        {keptAsHash}
      </OneTimeSecret>
    );
  }

  return (
    <Dialog title="Create a token" wide onClose={() => props.onClose(false)}>
      <form onSubmit={submit}>
        <NameFields name={name} description={description} onName={setName} onDescription={setDescription} descriptionRows={2} />
        <fieldset>
          <legend>Expiration</legend>
          <label class="check">
            <input type="radio" name="expires" checked={expires === 'never'} onChange={() => setExpires('never')} />
            Never
          </label>
          <label class="check">
            <input type="radio" name="expires" checked={expires === 'date'} onChange={() => setExpires('date')} />
            On a date
          </label>
          {expires === 'date' && (
            <label>
              <span>
                Expires at <span class="hint">(your local time)</span>
              </span>
              <input type="datetime-local" required value={expiresAt} onInput={(e) => setExpiresAt(e.currentTarget.value)} />
            </label>
          )}
        </fieldset>
        <fieldset>
          <legend>Permissions</legend>
          <p class="hint">{props.tokens.scopeHint}</p>
          {presets.map((preset) => (
            <div class="check" key={preset.id}>
              <label>
                <input
                  type="radio"
                  name="permission"
                  checked={permission === preset.id}
                  onChange={() => setPermission(preset.id)}
                  aria-describedby={`permission-${preset.id}`}
                />
                {preset.label}
              </label>{' '}
              <span class="hint" id={`permission-${preset.id}`}>
                {preset.hint}: <code>{preset.scope}</code>
              </span>
            </div>
          ))}
          <div class="check">
            <label>
              <input
                type="radio"
                name="permission"
                checked={permission === 'custom'}
                onChange={() => setPermission('custom')}
                aria-describedby="permission-custom"
              />
              Custom
            </label>{' '}
            <span class="hint" id="permission-custom">
              scopes picked from the catalogue
            </span>
          </div>
          {permission === 'custom' && <ScopePicker selected={custom} onChange={setCustom} />}
        </fieldset>
        <label>
          Initial status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value === 'inactive' ? 'inactive' : 'active')}>
            <option value="active">Active</option>
            <option value="inactive">Inactive</option>
          </select>
        </label>
        <ErrorAlert error={error} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy}>
            Create token
          </button>
          <button type="button" onClick={() => props.onClose(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
